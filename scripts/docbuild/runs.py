"""Expensive training runs, computed once and shared by the figures and the tests.

`cached(fn, *args, **kwargs)` returns `fn(*args, **kwargs)`, from `.cache/runs/` when the same
call has been made before with the same code: the key covers the source of `fn`'s module and
of every project module it imports, the arguments (defaults filled in), the library versions
and the torch thread count. So a figure build and the tests that check the numbers the chapter
quotes train the model once between them, and an unchanged run never trains again. A damaged
entry is discarded and recomputed.

The snippets functions stay plain: a reader who calls them trains for real.
"""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

from docbuild import cache


def _canonical(value):
    """Arguments as text that names them the same way however they were passed."""
    if type(value).__name__ == "device" and type(value).__module__ == "torch":
        return f"device:{value}"
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, type) or callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
    return repr(value)


def keys(fn, args: tuple, kwargs: dict) -> tuple[str, str]:
    """(what is asked: the call's arguments, what answers: the code, versions and threads)."""
    import torch

    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    if isinstance(bound.arguments.get("device"), str):
        bound.arguments["device"] = torch.device(bound.arguments["device"])
    call = cache.content_key([], arguments=_canonical(dict(bound.arguments)))[:10]
    sources = set(cache.project_sources(Path(inspect.getsourcefile(fn))))
    for value in bound.arguments.values():  # a model class passed in: its code answers too
        if isinstance(value, type) or inspect.isfunction(value):
            file = inspect.getsourcefile(value)
            if file and any(Path(file).resolve().is_relative_to(root) for root in cache.IMPORT_ROOTS):
                sources.update(cache.project_sources(Path(file)))
    code = cache.content_key(
        sorted(sources),
        versions=cache.library_versions(),
        threads=torch.get_num_threads(),
    )[:12]
    return call, code


def cached(fn, /, *args, **kwargs):
    name = f"{fn.__module__}.{fn.__qualname__}"
    call, code = keys(fn, args, kwargs)
    entry = cache.CACHE_DIR / "runs" / f"{name}.{call}.{code}.pickle"
    if entry.is_file():
        try:
            return pickle.loads(entry.read_bytes())  # noqa: S301 - our own cache
        except Exception as err:  # noqa: BLE001 - truncated or otherwise damaged: recompute
            print(f"runs: discarding the damaged cache entry {cache.display(entry)} ({type(err).__name__})")
            entry.unlink(missing_ok=True)
    result = fn(*args, **kwargs)
    for old in entry.parent.glob(f"{name}.{call}.*.pickle") if entry.parent.is_dir() else ():
        old.unlink(missing_ok=True)  # the same call answered by older code
    cache.atomic_write(entry, pickle.dumps(result))
    return result
