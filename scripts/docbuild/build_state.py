"""The no-change shortcut: what every input and output of the builders looked like after the
last build that succeeded.

i18n calls `on_pre_build` once per language and `mkdocs serve` once per edit; when nothing that
feeds a figure or a download has changed since the last good build, there is nothing to check
(not even matplotlib to import). The state is recorded only after a whole build succeeded
(`scripts/hooks.py`), and forgotten when one fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from docbuild import cache

NAME = "last-good-build.json"


def path() -> Path:
    return cache.CACHE_DIR / NAME


def current(docs_dir: Path, settings) -> list:
    root = docs_dir.parent
    paths = [root / "pyproject.toml", *sorted((root / "snippets").rglob("*.py")),
             *sorted((root / "scripts").rglob("*.py")), *sorted(docs_dir.glob("*/*.md")),
             *sorted(docs_dir.glob("*/code-comments/*.yml")), *sorted(docs_dir.glob("*/downloads/*")),
             *sorted(docs_dir.glob("*/figures/*")), *sorted(cache.CACHE_DIR.glob("figures/*/*/*")),
             *sorted(cache.CACHE_DIR.glob("downloads/*"))]
    stats = [[str(p), p.stat().st_mtime_ns, p.stat().st_size] for p in paths if p.is_file()]
    chosen = {"device": settings.device, "threads": settings.torch_threads}
    return [chosen, cache.library_versions(), stats]


def unchanged(state: list, log=print) -> bool:
    file = path()
    if not file.is_file():
        return False
    try:
        return json.loads(file.read_text(encoding="utf-8")) == state
    except ValueError as err:
        log(f"build state: {cache.display(file)} is damaged ({err}); checking everything")
        file.unlink(missing_ok=True)
        return False


def record(state: list) -> None:
    cache.atomic_write(path(), json.dumps(state).encode())


def forget() -> None:
    try:
        os.unlink(path())
    except FileNotFoundError:
        pass
