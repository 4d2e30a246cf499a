"""The `COURSE_*` environment variables, read and checked in one place.

Every entry point (the mkdocs hooks, `scripts/build_figures.py`, the test harness) calls
`load()` before it touches anything, so a bad value stops the run with one line that names the
variable and the values it accepts, and nothing on disk has changed yet.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVICES = ("auto", "cpu", "cuda")
TEST_RECORDS = ("use", "off")


class SettingsError(ValueError):
    """A `COURSE_*` variable holds a value the course cannot use."""


@dataclass(frozen=True)
class Settings:
    device: str  # where figures train: auto | cpu | cuda
    torch_threads: int  # CPU threads for figure training (part of the figure cache key)
    cache_dir: Path  # figures, notebooks and the no-change state
    codeblock_timeout_s: float  # per code block in the test harness
    figure_timeout_s: float  # per figure module at build time
    test_records: bool  # replay the records of unchanged pages' and tests' clean runs (docbuild.records)


def _positive(name: str, default: str, kind: type):
    raw = os.environ.get(name, default)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value <= 0:
        what = "a whole number" if kind is int else "a number of seconds"
        raise SettingsError(f"{name}={raw!r} is not valid: use {what} greater than 0 (default {default})")
    return value


def load() -> Settings:
    device = os.environ.get("COURSE_DEVICE", "cpu")
    if device not in DEVICES:
        raise SettingsError(f"COURSE_DEVICE={device!r} is not valid: use one of {', '.join(DEVICES)} (default cpu)")
    records = os.environ.get("COURSE_TEST_RECORDS", "use")
    if records not in TEST_RECORDS:
        raise SettingsError(f"COURSE_TEST_RECORDS={records!r} is not valid: use one of {', '.join(TEST_RECORDS)} (default use)")
    cache_dir = os.environ.get("COURSE_CACHE_DIR", str(ROOT / ".cache"))
    if not cache_dir.strip():
        raise SettingsError("COURSE_CACHE_DIR is empty: unset it (default .cache/) or give a directory")
    return Settings(
        device=device,
        torch_threads=_positive("COURSE_TORCH_THREADS", "1", int),
        cache_dir=Path(cache_dir),
        codeblock_timeout_s=_positive("COURSE_CODEBLOCK_TIMEOUT_S", "60", float),
        figure_timeout_s=_positive("COURSE_FIGURE_TIMEOUT_S", "600", float),
        test_records=records == "use",
    )
