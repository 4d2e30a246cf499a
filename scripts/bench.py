"""Measure what a contributor waits for: a cold build, a no-change rebuild, the test suite.

    .venv/bin/python scripts/bench.py              # builds only
    .venv/bin/python scripts/bench.py --tests      # ... and the whole test suite (as test.sh runs it), three times
    .venv/bin/python scripts/bench.py --chapters   # ... and each chapter: its figures cold, its tests warm

A cold build starts from an empty cache (a fresh COURSE_CACHE_DIR), so every figure trains and
every notebook executes; the warm rebuild reuses that cache, as `mkdocs serve` does after an edit.
The suite runs first with COURSE_TEST_RECORDS=off (every page, every test runs; the figure and
notebook caches are warm), then as a contributor's reruns do: with nothing changed (the records
of what passed are replayed, docbuild.records), and after an edit of one page (a comment
appended to EDITED for that run, then removed: that page and the tests marked `recorded` run).
Paste the table into README.md when the numbers change.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
EDITED = ROOT / "docs" / "en" / "03-gradient-descent.md"


def after_an_edit(cmd: list[str], env: dict, rows: list) -> float:
    """Seconds `cmd` takes after an edit of one page; the page is restored afterwards."""
    original = EDITED.read_bytes()
    EDITED.write_bytes(original + b"\n<!-- an edit (scripts/bench.py) -->\n")
    try:
        return timed(cmd, env, rows)
    finally:
        EDITED.write_bytes(original)


def timed(cmd: list[str], env: dict, rows: list) -> float:
    """Seconds the command took; on failure, print the rows measured so far, then its output."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print_table(rows)
        sys.exit(f"{' '.join(cmd)} failed after {elapsed:.1f} s:\n{(done.stdout + done.stderr)[-3000:]}")
    return elapsed


def print_table(rows: list) -> None:
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    print("| what | seconds |\n| --- | ---: |")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", action="store_true", help="also time the whole test suite")
    parser.add_argument("--chapters", action="store_true",
                        help="also time each chapter's figures (cold) and its share of the tests (warm)")
    args = parser.parse_args()
    base = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    base.pop("PYTHONDONTWRITEBYTECODE", None)  # as scripts/test.sh runs the suite
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**base, "COURSE_CACHE_DIR": str(Path(tmp) / "cache")}
        build = [PYTHON, "-m", "mkdocs", "build", "--strict", "-d", str(Path(tmp) / "site")]
        rows.append(("cold `mkdocs build --strict` (empty cache: trains every figure, executes every notebook)",
                     timed(build, env, rows)))
        rows.append(("no-change rebuild (warm cache)", timed(build, env, rows)))
    if args.chapters:
        from docbuild import chapters

        for chapter in chapters.written():
            if chapter.figure_module is not None:
                with tempfile.TemporaryDirectory() as tmp:  # no cached figure, no cached training run
                    env = {**base, "COURSE_CACHE_DIR": tmp}
                    rows.append((f"chapter {chapter.number:02d}: its figures, cold", timed(
                        [PYTHON, "scripts/build_figures.py", "--only", chapter.figure_module.stem, "--no-downloads"], env, rows)))
            if chapter.module is not None:
                rows.append((f"chapter {chapter.number:02d}: its page and unit tests, warm", timed(
                    [PYTHON, "-m", "pytest", "-q", "--no-cov", f"docs/en/{chapter.page}", f"tests/test_{chapter.module}.py"],
                    {**base, "COURSE_TEST_RECORDS": "off"}, rows)))
    if args.tests:
        suite = [PYTHON, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile"]
        rows.append(("whole test suite, warm caches, everything run (`COURSE_TEST_RECORDS=off bash scripts/test.sh`)",
                     timed(suite, {**base, "COURSE_TEST_RECORDS": "off"}, rows)))
        rows.append(("whole test suite, warm caches, nothing changed since (`bash scripts/test.sh`: records replayed)",
                     timed(suite, base, rows)))
        rows.append((f"whole test suite, warm caches, after an edit of {EDITED.relative_to(ROOT)} (it and the "
                     "`recorded` tests run, the other pages are replayed)", after_an_edit(suite, base, rows)))
    print_table(rows)


if __name__ == "__main__":
    main()
