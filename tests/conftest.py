"""Fixtures shared by the site and browser tests."""

from __future__ import annotations

import os
import shutil
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
    log: str  # what mkdocs printed (the figure and notebook builders log each thing they (re)build)


# On an empty cache (a fresh clone, CI) the build trains every figure and executes every
# notebook: minutes, more than the 600 s any other test may take.
BUILD_TIMEOUT_S = 1500


def build_site(site: Path) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"mkdocs build --strict took more than {BUILD_TIMEOUT_S} s", pytrace=False)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{log[-6000:]}", pytrace=False)
    return Build(site, log)


def pytest_collection_modifyitems(items):
    # whichever test needs the built site first waits for the build: give it the build's limit
    for item in items:
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(BUILD_TIMEOUT_S + 60))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    """The whole site, built once per test run with `mkdocs build --strict`, and shared by the
    pytest-xdist workers: the first to ask builds it, the others wait for it and read it."""
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    site, log = shared / "built-site", shared / "built-site.log"
    with FileLock(shared / "built-site.lock"):
        if log.is_file():  # built (and passed) in this run already
            return Build(site, log.read_text(encoding="utf-8"))
        build = build_site(site)
        log.write_text(build.log, encoding="utf-8")
        return build


def _not_sources(folder: str, names: list[str]) -> set[str]:
    """What a copy of the project leaves out: environments, caches, build outputs."""
    skip = {".venv", ".git", "site", "__pycache__", ".cache", ".coverage"}
    built_here = Path(folder).parent == ROOT / "docs"  # docs/<lang>/figures, docs/<lang>/downloads
    return {n for n in names if n in skip or n.endswith(".egg-info") or (built_here and n in {"figures", "downloads"})}


class ProjectCopy:
    """A throwaway copy of the project whose own code (docbuild, snippets) runs in subprocesses."""

    def __init__(self, path: Path):
        self.path = path
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURSE_CACHE_DIR": str(path / ".cache"),
                    "PYTHONPATH": os.pathsep.join([str(path), str(path / "scripts")])}

    def edit(self, relative: str, change) -> None:
        file = self.path / relative
        before = file.read_text(encoding="utf-8")
        after = change(before)
        assert after != before, f"the edit of {relative} changed nothing"
        file.write_text(after, encoding="utf-8")

    def run(self, *argv: str, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *argv], cwd=self.path, env=self.env, capture_output=True,
                              text=True, timeout=timeout)


@pytest.fixture
def project_copy(tmp_path) -> ProjectCopy:
    """The project's sources and its figure cache, copied (the figures need not train again)."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=_not_sources)
    for part in ("figures", "downloads", "runs"):
        if (ROOT / ".cache" / part).is_dir():
            shutil.copytree(ROOT / ".cache" / part, copy / ".cache" / part)
    return ProjectCopy(copy)
