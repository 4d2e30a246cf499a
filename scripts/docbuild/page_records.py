"""Records of clean page runs: an unchanged page need not run again on the same machine.

Running a page's program is what proves it works, and the CNN and RNN pages train for minutes.
When every block of a page has run in one session and passed (outputs checked), the harness
writes `.cache/pages/<page>.json` with a key that covers everything that can change that
outcome: the page as expanded (code, shown outputs, markers), every file of `snippets/` and
`scripts/docbuild/`, the root conftest and pyproject.toml (pytest's configuration), every
installed distribution and its version, Python, the machine, the numeric mode and the
`COURSE_*` settings. A later session whose key for the page is the same replays the record:
the page's blocks pass without running and the summary counts them as replayed. Change any of
those inputs and the page runs again, as pytest-testmon or Bazel's test cache would do.

A clean checkout (CI) has no records and runs every page; `COURSE_PAGE_RECORDS=off` ignores
them. A damaged record is named, discarded and the page runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import time
from importlib import metadata
from pathlib import Path

from docbuild import cache, numerics, settings

FOLDER = "pages"
# Everything the harness runs a page with, besides the page and the installed libraries.
_TREES = ("snippets", "scripts/docbuild")
_FILES = ("conftest.py", "pyproject.toml")


def environment_digest(root: Path) -> str:
    """What every page's run depends on besides the page: the project's code under `root`, the
    installed distributions, Python, the machine, the numeric mode, the settings."""
    digest = hashlib.sha256()
    files = [root / f for f in _FILES]
    for tree in _TREES:
        files += sorted(p for p in (root / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    distributions = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})
    current = settings.load()
    facts = {
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "machine": platform.machine(), "numerics": sorted(numerics.ENVIRONMENT.items()),
        "distributions": distributions,
        "settings": {"timeout_s": current.codeblock_timeout_s, "threads": current.torch_threads,
                     "device": current.device},
    }
    digest.update(json.dumps(facts, sort_keys=True).encode())
    return digest.hexdigest()


_environment_digest = functools.lru_cache(maxsize=1)(lambda: environment_digest(cache.ROOT))  # once per process


def key(expanded_text: str) -> str:
    """The key of a page's run: its expanded text and everything it runs with."""
    return hashlib.sha256((_environment_digest() + "\0" + expanded_text).encode()).hexdigest()[:24]


def _entry(page: Path) -> Path:
    return settings.load().cache_dir / FOLDER / (cache.display(page).replace("/", "__") + ".json")


def replayable(page: Path, expanded_text: str, lines: list[int]) -> tuple[dict | None, str | None]:
    """(the record of a clean run of exactly this page with these inputs, or None; a note for the
    run's summary when a damaged record was discarded, or None)."""
    if not settings.load().page_records:
        return None, None
    entry = _entry(page)
    if not entry.is_file():
        return None, None
    try:
        record = json.loads(entry.read_bytes())
        found, passed = record["key"], record["passed"]
        sorted(passed)
    except (ValueError, TypeError, KeyError):
        entry.unlink(missing_ok=True)
        return None, f"discarded the damaged record {cache.display(entry)}: the page ran instead"
    if found != key(expanded_text) or sorted(passed) != sorted(lines):
        return None, None
    return record, None


def write(page: Path, expanded_text: str, lines: list[int], seconds: float) -> None:
    """Record that every block of the page (at `lines`) ran and passed with these inputs."""
    record = {"key": key(expanded_text), "passed": sorted(lines), "seconds": round(seconds, 1),
              "recorded": time.strftime("%Y-%m-%d %H:%M:%S")}
    cache.atomic_write(_entry(page), json.dumps(record, indent=1).encode())
