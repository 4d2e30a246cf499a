"""Measure what a contributor waits for: a cold build, a no-change rebuild, the test suite.

    .venv/bin/python scripts/bench.py            # builds only
    .venv/bin/python scripts/bench.py --tests    # ... and the whole test suite

A cold build starts from an empty cache (a fresh COURSE_CACHE_DIR), so every figure trains and
every notebook executes; the warm rebuild reuses that cache, as `mkdocs serve` does after an edit.
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


def timed(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURSE_CACHE_DIR": str(Path(tmp) / "cache")}
        build = [PYTHON, "-m", "mkdocs", "build", "--strict", "-d", str(Path(tmp) / "site")]
        rows.append(("cold `mkdocs build --strict` (empty cache)", timed(build, env)))
        rows.append(("no-change rebuild (warm cache)", timed(build, env)))
    if args.tests:
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        rows.append(("whole test suite (`pytest`, warm cache)", timed([PYTHON, "-m", "pytest", "-q"], env)))
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    print("| what | seconds |\n| --- | ---: |")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
