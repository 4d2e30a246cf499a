"""Records of clean test runs: what passed need not run again on the same machine, unchanged.

Running a page's program is what proves it works, and the CNN and RNN pages train for minutes;
the tests of the build machinery copy the project and run its tools; the browser visits every
page. Each record holds a key that covers everything that can change the outcome, and a later
session whose key is the same replays the record: the test passes without running and the
summary counts it as replayed. Change any input and it runs again, as pytest-testmon or
Bazel's test cache would do.

- A **page** (docbuild.harness) is recorded when every block of it ran in one session and
  passed, outputs checked. Its key: the page as expanded (code, shown outputs, markers) and the
  code it runs with (`environment_digest`): every file of `snippets/` and `scripts/docbuild/`,
  the root conftest and pyproject.toml (pytest's configuration), every installed distribution
  and its version, Python, the machine, the numeric mode and the `COURSE_*` settings.
- A test marked **`recorded`** (the tests that run the project's tools in subprocesses, a fresh
  environment or a browser; tests/conftest.py) is recorded when it passed. Its key: the
  environment digest, its node id, and what it reads (`project_digest`): by default every file a
  copy of the project would hold (sources, tests, pages and the figure, run and notebook caches),
  so an edit anywhere runs it again; with `reads="code"` (a test that writes its own pages, or
  none) all of that but the pages (docs/) and the caches, so an edit of a page does not run it
  again. tests/conftest.py fails such a test when it opens a file under docs/ or the cache.
  With `reads="built"` (the browser, which reads only the built site) it is replayed as by
  default when nothing changed, and otherwise, once the site is built, when the built files it
  names (`built_key`: their paths in the site and bytes) and the code are the same as in its
  last pass: an edit of one page runs the visits of that page again, not of every page.

A clean checkout (CI) has no records and runs everything; `COURSE_TEST_RECORDS=off` ignores
them. A damaged record is named, discarded and the test runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import subprocess
import time
from importlib import metadata
from pathlib import Path

from docbuild import cache, numerics, settings

# Everything the harness runs a page with, besides the page and the installed libraries.
_TREES = ("snippets", "scripts/docbuild")
_FILES = ("conftest.py", "pyproject.toml")
# The caches a copy of the project keeps (tests/conftest.py: project_copy).
KEPT_CACHES = ("figures", "downloads", "runs")
# What a `recorded` test may read: the whole project, or its code (everything but docs/ and the caches).
SCOPES = ("project", "code", "built")
PAGES = "docs"


def _files_digest(files: list[Path]) -> str:
    """The names and bytes of `files`, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def environment_digest(root: Path) -> str:
    """What every page's run depends on besides the page: the project's code under `root`, the
    installed distributions, Python, the machine, the browser, the numeric mode, the settings."""
    files = [root / f for f in _FILES]
    for tree in _TREES:
        files += sorted(p for p in (root / tree).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    distributions = sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})
    current = settings.load()
    browser = shutil.which("chromium")
    facts = {
        "code": _files_digest(files),
        "python": platform.python_version(), "implementation": platform.python_implementation(),
        "machine": platform.machine(), "numerics": sorted(numerics.ENVIRONMENT.items()),
        "distributions": distributions,
        "browser": browser and [browser, os.stat(browser).st_size, os.stat(browser).st_mtime],
        "settings": {"timeout_s": current.codeblock_timeout_s, "threads": current.torch_threads,
                     "device": current.device, "figure_timeout_s": current.figure_timeout_s},
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def project_digest(root: Path, scope: str = "project") -> str | None:
    """Every file a copy of the project holds: its sources (what git tracks or would track) and
    its kept caches (the "built" scope too); for the "code" scope its sources outside docs/
    only. None outside a git checkout (nothing is recorded there)."""
    if scope not in SCOPES:
        raise ValueError(f"a recorded test reads one of {', '.join(SCOPES)}, not {scope!r}")
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                                capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = {name for name in listed.decode().split("\0") if name}
    if scope == "code":
        names = {name for name in names if not name.startswith(PAGES + "/")}
    files = sorted(root / name for name in names if (root / name).is_file())
    for part in KEPT_CACHES if scope != "code" else ():
        files += sorted(p for p in (settings.load().cache_dir / part).rglob("*") if p.is_file())
    return _files_digest(files)


_environment = functools.lru_cache(maxsize=1)(lambda: environment_digest(cache.ROOT))  # once per process
_project = functools.lru_cache(maxsize=len(SCOPES))(lambda scope: project_digest(cache.ROOT, scope))


def page_key(expanded_text: str) -> str:
    """The key of a page's run: its expanded text and everything it runs with."""
    return hashlib.sha256((_environment() + "\0" + expanded_text).encode()).hexdigest()[:24]


def recorded_key(nodeid: str, scope: str = "project") -> str | None:
    """The key of a `recorded` test's run: the test and what it reads of the project."""
    project = _project(scope)
    return project and hashlib.sha256("\0".join((_environment(), project, scope, nodeid)).encode()).hexdigest()[:24]


def built_key(nodeid: str, site: Path, files: list[Path]) -> str | None:
    """The key of a "built" test's run once the site is built: the test, the code and the
    built `files` it reads (their paths relative to `site` and their bytes)."""
    code = _project("code")
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path.relative_to(site)).encode() + b"\0" + path.read_bytes() + b"\0")
    return code and hashlib.sha256("\0".join((_environment(), code, nodeid, digest.hexdigest())).encode()).hexdigest()[:24]


# --- the records on disk: <cache_dir>/records/<pages|tests>/<name>.json ---------------------------


def _entry(kind: str, name: str) -> Path:
    return settings.load().cache_dir / "records" / kind / (name.replace("/", "__") + ".json")


def _read(entry: Path, what: str) -> tuple[dict | None, str | None]:
    """(the record, or None; a note for the summary when a damaged one was discarded)."""
    if not settings.load().test_records or not entry.is_file():
        return None, None
    try:
        record = json.loads(entry.read_bytes())
        if not isinstance(record, dict) or not isinstance(record["key"], str):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        entry.unlink(missing_ok=True)
        return None, f"discarded the damaged record {cache.display(entry)}: the {what} ran instead"
    return record, None


def _write(entry: Path, record: dict) -> None:
    record["recorded"] = time.strftime("%Y-%m-%d %H:%M:%S")
    cache.atomic_write(entry, json.dumps(record, indent=1).encode())


def page_replayable(page: Path, expanded_text: str, lines: list[int]) -> tuple[dict | None, str | None]:
    """(the record of a clean run of exactly this page with these inputs, or None; a note)."""
    record, note = _read(_entry("pages", cache.display(page)), "page")
    if record is None:
        return None, note
    if record["key"] != page_key(expanded_text) or sorted(record.get("passed") or []) != sorted(lines):
        return None, None
    return record, None


def write_page(page: Path, expanded_text: str, lines: list[int], seconds: float) -> None:
    """Record that every block of the page (at `lines`) ran and passed with these inputs."""
    _write(_entry("pages", cache.display(page)),
           {"key": page_key(expanded_text), "passed": sorted(lines), "seconds": round(seconds, 1)})


def _test_name(nodeid: str) -> str:
    return hashlib.sha256(nodeid.encode()).hexdigest()[:20]


def recorded_replayable(nodeid: str, scope: str = "project") -> tuple[dict | None, str | None]:
    """(the record of a pass of this test on exactly this project, or None; a note)."""
    record, note = _read(_entry("tests", _test_name(nodeid)), "test")
    if record is None or record["key"] != recorded_key(nodeid, scope):
        return None, note
    return record, None


def built_replayable(nodeid: str, built: str | None) -> dict | None:
    """The record of a pass of this "built" test on exactly these built files, or None."""
    record, _ = _read(_entry("tests", _test_name(nodeid)), "test")
    return record if record is not None and built and record.get("built") == built else None


def write_recorded(nodeid: str, seconds: float, scope: str = "project", built: str | None = None) -> None:
    """Record that the `recorded` test passed on this project (and, "built", on these built files)."""
    found = recorded_key(nodeid, scope)
    if found:
        _write(_entry("tests", _test_name(nodeid)),
               {"key": found, "built": built, "test": nodeid, "seconds": round(seconds, 1)})
