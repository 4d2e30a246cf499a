"""Figures built at doc-build time, cached by content, trained in worker processes.

Each chapter's module `scripts/figures/chNN_<module>.py` defines `FIGURES`, a list of `Figure`s.
A figure computes its data once (training on the chosen device), then draws it once per
language with that language's labels; the images are `docs/<lang>/figures/chNN-<name>.png`
(not committed).

The cache key of a module covers its source and every project module it imports, the library
versions, the device type, the thread count, the CJK font and this rendering code, so an
unchanged module is not even imported: a no-change build only compares hashes and files.
Modules that need work run in worker processes (`docbuild.figure_worker`), two at a time, each
with a time limit (COURSE_FIGURE_TIMEOUT_S): a hanging figure fails the build and names itself.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docbuild import cache

LANGUAGES = ("zh", "en")
FIGURE_MODULES = cache.ROOT / "scripts" / "figures"
RENDERING_CODE = (Path(__file__), Path(__file__).with_name("style.py"), Path(cache.__file__),
                  Path(__file__).with_name("figure_worker.py"))
PARALLEL = 2  # the machines this is built on have 2 cores; each worker trains on its own threads


@dataclass(frozen=True)
class Figure:
    """One figure: `compute(device)` returns data; `draw(data, labels)` returns a matplotlib Figure.

    `labels` maps each language to the texts `draw` puts on the figure; both languages must
    define the same keys.
    """

    name: str
    compute: Callable[[Any], Any]
    draw: Callable[[Any, Mapping[str, str]], Any]
    labels: Mapping[str, Mapping[str, str]]

    def __post_init__(self):
        keys = {lang: set(self.labels.get(lang, ())) for lang in LANGUAGES}
        if len({frozenset(k) for k in keys.values()}) != 1:
            raise ValueError(f"figure {self.name!r}: labels differ between languages: {keys}")


class FigureBuildError(RuntimeError):
    """A figure failed; its message names the figure and the module that defines it."""


def tag(module: Path) -> str:
    """`ch03` for scripts/figures/ch03_gradient_descent.py: it prefixes the module's images."""
    found = re.match(r"(ch\d\d)_", module.name)
    if not found:
        raise FigureBuildError(f"{cache.display(module)}: figure modules are named chNN_<module>.py")
    return found[1]


def figure_id(module: Path, name: str) -> str:
    return f"{tag(module)}-{name}"


def output_path(figure: str, lang: str, docs_dir: Path) -> Path:
    return docs_dir / lang / "figures" / f"{figure}.png"


def figure_modules() -> list[Path]:
    return sorted(p for p in FIGURE_MODULES.glob("*.py") if not p.name.startswith("_"))


def module_key(path: Path, device_type: str, threads: int) -> str:
    from docbuild import style

    font = style.cjk_font()
    sources = sorted(set(cache.project_sources(path)) | {p.resolve() for p in RENDERING_CODE})
    return cache.content_key(
        sources,
        versions=cache.library_versions(),  # every runtime dependency, data packages included
        device=device_type,
        threads=threads,
        font=[font[0], Path(font[1]).stat().st_size],
    )


def load_figures(path: Path) -> list[Figure]:
    spec = importlib.util.spec_from_file_location(f"course_figures.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = getattr(module, "FIGURES", None)
    if not isinstance(figures, list) or not all(isinstance(f, Figure) for f in figures):
        raise FigureBuildError(f"{cache.display(path)}: must define FIGURES, a list of docbuild.figures.Figure")
    return figures


def read_manifest(entry: Path, log) -> list[str] | None:
    """The figure ids of a complete cache entry, or None; a corrupt entry is discarded."""
    manifest = entry / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        try:
            names = json.loads(manifest.read_text(encoding="utf-8"))
        except ValueError as err:
            raise ValueError(f"manifest.json: {err}") from None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ValueError("manifest.json is not a list of figure names")
        broken = [f"{n}.{lang}.png" for n in names for lang in LANGUAGES
                  if not cache.is_valid_png(entry / f"{n}.{lang}.png")]
        if broken:
            raise ValueError(f"{', '.join(broken)} missing or not a complete PNG")
    except ValueError as err:  # json.JSONDecodeError is a ValueError
        log(f"figures: discarding the corrupt cache entry {cache.display(entry)} ({err}); rebuilding it")
        shutil.rmtree(entry, ignore_errors=True)
        return None
    return names


def build_figures(
    docs_dir: Path,
    device: str = "cpu",
    only: set[str] | None = None,
    force: bool = False,
    log: Callable[[str], None] = print,
    threads: int = 1,
    timeout_s: float = 600,
) -> dict[str, str]:
    """Bring figures in docs/ up to date. Returns {figure id: "cached" | "built"}.

    `only` restricts the work to figures (ids such as `ch03-gd`) or figure modules (stems such
    as `ch03_gradient_descent`); `force` rebuilds even when the cache holds a fresh image.
    """
    device_type = _device_type(device)
    status: dict[str, str] = {}
    owners: dict[str, Path] = {}
    jobs: list[tuple[Path, Path]] = []
    for path in figure_modules():
        if only and not any(w == path.stem or w.startswith(f"{tag(path)}-") for w in only):
            continue  # not asked for: no worker, no hashing
        entry = cache.CACHE_DIR / "figures" / path.stem / module_key(path, device_type, threads)
        names = None if force else read_manifest(entry, log)
        if names is None:
            jobs.append((path, entry))
            continue
        _claim(owners, names, path)
        for name in names:
            if _wanted(only, path, name):
                _install(entry, name, docs_dir)
                status[name] = "cached"
    if jobs:
        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            results = list(pool.map(lambda job: _run_worker(*job, docs_dir, device, only, force, threads,
                                                            timeout_s, log), jobs))
        for (path, entry), (names, built) in zip(jobs, results):
            _claim(owners, names, path)
            for name in names:
                if _wanted(only, path, name):
                    _install(entry, name, docs_dir)
                    status[name] = "built" if name in built else "cached"
            if all(cache.is_valid_png(entry / f"{n}.{lang}.png") for n in names for lang in LANGUAGES):
                cache.atomic_write(entry / "manifest.json", json.dumps(names).encode())
                _prune_old_entries(entry)
    unknown = (only or set()) - set(owners) - {p.stem for p in figure_modules()}
    if unknown:
        raise FigureBuildError(f"no figure or figure module named {', '.join(sorted(unknown))}")
    if only is None:
        _remove_unknown_outputs(docs_dir, set(owners))
    return status


def _run_worker(path: Path, entry: Path, docs_dir: Path, device: str, only, force: bool, threads: int,
                timeout_s: float, log) -> tuple[list[str], set[str]]:
    """Build what a module's cache entry lacks in a worker process; return (all ids, built ids)."""
    wanted = sorted(only) if only else []
    command = [sys.executable, "-m", "docbuild.figure_worker", str(path), str(entry), "--device", device,
               "--threads", str(threads), *[a for name in wanted for a in ("--only", name)]]
    if force:
        command.append("--force")
    # Whatever happens next, the old images of this module must not pass for new ones.
    for old in docs_dir.glob(f"*/figures/{tag(path)}-*.png"):
        if _wanted(only, path, old.stem):
            old.unlink()
    log(f"figures {cache.display(path)}: building (device={device})")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          cwd=cache.ROOT, env=cache.worker_environment()) as worker:
        try:
            output, _ = worker.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
            current = re.findall(r"^figure (\S+): building", output, re.M)
            what = f"figure {current[-1]!r}" if current else "its figures"
            raise FigureBuildError(
                f"{cache.display(path)}: {what} ran past {timeout_s:g} s (COURSE_FIGURE_TIMEOUT_S) and was stopped"
            ) from None
    for line in output.splitlines():
        if line.startswith("figure ") and line.endswith("building"):
            log(line)
    result = re.search(r"^RESULT (.*)$", output, re.M)
    if worker.returncode != 0 or result is None:
        error = re.search(r"^ERROR (.*)$", output, re.M | re.S)
        raise FigureBuildError(error[1].strip() if error else
                               f"{cache.display(path)}: the figure worker failed:\n{output[-3000:]}")
    data = json.loads(result[1])
    return data["names"], set(data["built"])


def _wanted(only: set[str] | None, path: Path, name: str) -> bool:
    return only is None or name in only or path.stem in only


def _claim(owners: dict[str, Path], names: list[str], path: Path) -> None:
    """Two modules must not write the same image."""
    for name in names:
        if owners.setdefault(name, path) != path:
            raise FigureBuildError(
                f"figure name {name!r} is defined twice: {owners[name].name} and {path.name}"
            )


def _device_type(choice: str) -> str:
    if choice == "cpu":
        return "cpu"  # the default: decided without importing torch
    from snippets.devices import resolve_device

    return resolve_device(choice).type


def _install(entry: Path, name: str, docs_dir: Path) -> None:
    for lang in LANGUAGES:
        cache.install(entry / f"{name}.{lang}.png", output_path(name, lang, docs_dir))


def _prune_old_entries(current: Path) -> None:
    for old in current.parent.iterdir():
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def _remove_unknown_outputs(docs_dir: Path, known: set[str]) -> None:
    """Delete images whose figure no longer exists, so a page cannot show an orphan."""
    for lang in LANGUAGES:
        folder = docs_dir / lang / "figures"
        for png in folder.glob("*.png") if folder.is_dir() else ():
            if png.stem not in known:
                png.unlink()
