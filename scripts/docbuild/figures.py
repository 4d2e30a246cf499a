"""Figures built at doc-build time, cached by content.

Each module in `scripts/figures/` (one per chapter) defines `FIGURES`, a list of `Figure`s. A
figure computes its data once (training on the chosen device), then draws it once per language
with that language's labels. Outputs land in `docs/<lang>/figures/<name>.png` (not committed).

The cache key of a module covers its source and every project module it imports, the library
versions, the device type, the CJK font and this rendering code, so an unchanged module is never
imported, let alone retrained: a no-change build only compares hashes and files.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docbuild import cache

LANGUAGES = ("zh", "en")
FIGURE_MODULES = cache.ROOT / "scripts" / "figures"
RENDERING_CODE = (Path(__file__), Path(__file__).with_name("style.py"), Path(cache.__file__))


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


def output_path(name: str, lang: str, docs_dir: Path) -> Path:
    return docs_dir / lang / "figures" / f"{name}.png"


def figure_modules() -> list[Path]:
    return sorted(p for p in FIGURE_MODULES.glob("*.py") if not p.name.startswith("_"))


def module_key(path: Path, device_type: str) -> str:
    from docbuild import style

    font = style.cjk_font()
    sources = sorted(set(cache.project_sources(path)) | {p.resolve() for p in RENDERING_CODE})
    return cache.content_key(
        sources,
        versions=cache.library_versions(),  # every runtime dependency, data packages included
        device=device_type,
        threads=torch_threads(),
        font=[font[0], Path(font[1]).stat().st_size],
    )


def load_figures(path: Path) -> list[Figure]:
    spec = importlib.util.spec_from_file_location(f"course_figures.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    figures = getattr(module, "FIGURES", None)
    if not isinstance(figures, list) or not all(isinstance(f, Figure) for f in figures):
        raise FigureBuildError(f"{path}: must define FIGURES, a list of docbuild.figures.Figure")
    return figures


def build_figures(
    docs_dir: Path,
    device: str = "cpu",
    only: set[str] | None = None,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, str]:
    """Bring figures in docs/ up to date. Returns {figure name: "cached" | "built"}.

    `only` restricts the work to figures (or figure modules) with those names; `force` rebuilds
    even when the cache holds a fresh image.
    """
    device_type = _device_type(device)
    status: dict[str, str] = {}
    owners: dict[str, Path] = {}
    for path in figure_modules():
        entry = cache.CACHE_DIR / "figures" / path.stem / module_key(path, device_type)
        manifest = entry / "manifest.json"
        if manifest.is_file() and not force:
            names = json.loads(manifest.read_text())
            _claim(owners, names, path)
            for name in names:
                if _wanted(only, path, name):
                    _install(entry, name, docs_dir)
                    status[name] = "cached"
            continue
        figures = load_figures(path)
        _claim(owners, [f.name for f in figures], path)
        for fig in figures:
            if not _wanted(only, path, fig.name):
                continue
            fresh = all((entry / f"{fig.name}.{lang}.png").is_file() for lang in LANGUAGES)
            if force or not fresh:
                _build_one(fig, path, entry, docs_dir, device, log)
            status[fig.name] = "built" if force or not fresh else "cached"
            _install(entry, fig.name, docs_dir)
        if all((entry / f"{f.name}.{lang}.png").is_file() for f in figures for lang in LANGUAGES):
            cache.atomic_write(manifest, json.dumps([f.name for f in figures]).encode())
            _prune_old_entries(entry)
    unknown = (only or set()) - set(owners) - {p.stem for p in figure_modules()}
    if unknown:
        raise FigureBuildError(f"no figure or figure module named {', '.join(sorted(unknown))}")
    if only is None:
        _remove_unknown_outputs(docs_dir, set(owners))
    return status


def _wanted(only: set[str] | None, path: Path, name: str) -> bool:
    return only is None or name in only or path.stem in only


def _claim(owners: dict[str, Path], names: list[str], path: Path) -> None:
    """Two modules must not write the same image."""
    for name in names:
        if owners.setdefault(name, path) != path:
            raise FigureBuildError(
                f"figure name {name!r} is defined twice: {owners[name].name} and {path.name}"
            )


def torch_threads() -> int:
    """CPU threads for training: 1 unless COURSE_TORCH_THREADS says otherwise.

    The figures train small models, where extra threads barely help and make timings erratic
    on a shared machine; the count is part of the cache key since it can change the last bits.
    """
    return int(os.environ.get("COURSE_TORCH_THREADS", "1"))


def _device_type(choice: str) -> str:
    if choice == "cpu":
        return "cpu"  # the default: decided without importing torch
    from snippets.devices import resolve_device

    return resolve_device(choice).type


def _build_one(fig: Figure, path: Path, entry: Path, docs_dir: Path, device: str, log) -> None:
    from docbuild import style
    from snippets.devices import resolve_device

    # Whatever happens next, the old image must not pass for the new one.
    for lang in LANGUAGES:
        output_path(fig.name, lang, docs_dir).unlink(missing_ok=True)
    log(f"figure {fig.name}: building ({cache.display(path)}, device={device})")
    import torch

    torch.set_num_threads(torch_threads())
    try:
        data = fig.compute(resolve_device(device))
        images = {lang: style.render_png(fig.draw, data, fig.labels[lang], lang) for lang in LANGUAGES}
    except Exception as err:
        raise FigureBuildError(
            f"figure {fig.name!r} ({cache.display(path)}) failed: {type(err).__name__}: {err}"
        ) from err
    for lang, png in images.items():
        cache.atomic_write(entry / f"{fig.name}.{lang}.png", png)


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
