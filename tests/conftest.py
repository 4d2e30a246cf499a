"""Fixtures shared by the site and browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_script(name: str):
    """A command-line script of scripts/ as a module (its `main(argv)` is what the tests call)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"course_script_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Build:
    site: Path
    log: str  # what mkdocs printed (figure/notebook builders log each thing they (re)build)


def build_site(site: Path) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{log[-6000:]}", pytrace=False)
    return Build(site, log)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    """The whole site, built once per test run with `mkdocs build --strict`."""
    return build_site(tmp_path_factory.mktemp("site") / "site")
