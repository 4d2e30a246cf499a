"""Fixtures shared by the site and browser tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from docbuild import records

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
    done = _build(site)
    if done.failure:
        pytest.fail(done.failure, pytrace=False)
    return Build(site, done.log)


@dataclass
class _Done:
    log: str
    failure: str | None  # why the build failed, or None


def _build(site: Path) -> _Done:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return _Done("", f"mkdocs build --strict took more than {BUILD_TIMEOUT_S} s")
    log = done.stdout + done.stderr
    return _Done(log, None if done.returncode == 0 else f"mkdocs build --strict failed:\n{log[-6000:]}")


# --- one built site per test run, shared by the pytest-xdist workers --------------------------


def _shared(tmp_path_factory) -> Path:
    """The run's folder, above each pytest-xdist worker's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _site_for_the_run(shared: Path) -> Build:
    """Build the site unless this run has (under the lock the workers share); a failed build is
    recorded so that every test that needs the site fails with its message."""
    from filelock import FileLock

    site, log, failed = shared / "built-site", shared / "built-site.log", shared / "built-site.failed"
    with FileLock(shared / "built-site.lock"):
        if failed.is_file():
            pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not log.is_file():
            done = _build(site)
            if done.failure:
                failed.write_text(done.failure, encoding="utf-8")
                pytest.fail(done.failure, pytrace=False)
            log.write_text(done.log, encoding="utf-8")
        return Build(site, log.read_text(encoding="utf-8"))


def pytest_collection_modifyitems(items):
    for item in items:
        # whichever test needs the built site first waits for the build: give it the build's limit
        if "built_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(BUILD_TIMEOUT_S + 60))
        if item.get_closest_marker("recorded"):
            _replay_if_recorded(item)


def pytest_collection_finish(session):
    """When the run needs the built site, start building it now, beside the first tests, rather
    than when the first test that needs it waits for it (one worker does; the other takes it)."""
    if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0":
        return
    if not any("built_site" in getattr(item, "fixturenames", ()) and not _replayed(item) for item in session.items):
        return
    shared = _shared(session.config._tmp_path_factory)  # what the tmp_path_factory fixture returns

    def build():
        try:
            _site_for_the_run(shared)
        except pytest.fail.Exception:
            pass  # recorded: the tests that need the site report it

    threading.Thread(target=build, name="built-site", daemon=True).start()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Build:
    """The whole site, built once per test run with `mkdocs build --strict` (started when the
    collection ends) and shared by the pytest-xdist workers."""
    return _site_for_the_run(_shared(tmp_path_factory))


# --- `recorded` tests: replayed when nothing of the project changed since they passed -------------

_REPLAYED: dict = {"tests": 0, "notes": set()}
_RUN = pytest.StashKey[list]()  # the passed phases of a recorded test that runs: (phase, seconds)
_SCOPE = pytest.StashKey[str]()  # what a recorded test reads (docbuild.records.SCOPES)
_BUILT = pytest.StashKey[str]()  # a "built" test's key on the built files it reads


def pytest_configure(config):
    config.addinivalue_line("markers", "recorded(reads='project'): the test runs the project's tools; once it passed, "
                                       "it is replayed until anything of the project changes, with reads='code' "
                                       "anything but the pages and the caches, with reads='built' anything of the "
                                       "built files it names (fixture replay_if_built_the_same; docbuild.records)")


def _scope(item) -> str:
    scope = item.get_closest_marker("recorded").kwargs.get("reads", "project")
    if scope not in records.SCOPES:
        raise pytest.UsageError(f"{item.nodeid}: recorded(reads={scope!r}): reads is one of {records.SCOPES}")
    return scope


def _replayed(item) -> bool:
    return any(name == "recorded-test-replayed" for name, _ in item.user_properties)


def _replay_if_recorded(item) -> None:
    item.stash[_SCOPE] = scope = _scope(item)
    record, note = records.recorded_replayable(item.nodeid, scope)
    if note:
        item.user_properties.append(("recorded-test-note", note))
    if record is None:
        item.stash[_RUN] = []
        return
    item.user_properties.append(("recorded-test-replayed", record["recorded"]))
    item.setup = item.runtest = lambda: None  # no fixtures, no call: it passed on exactly this project


class _Replayed(Exception):
    """Raised by replay_if_built_the_same: the test passed on exactly these built files before."""


@pytest.fixture
def replay_if_built_the_same(request, built_site):
    """For a test recorded with reads="built": call it with the built files the test reads;
    when it passed on exactly these files and this code before, the test ends there, replayed."""
    item = request.node
    if item.stash.get(_SCOPE, None) != "built":
        raise pytest.UsageError(f"{item.nodeid}: replay_if_built_the_same is for tests marked recorded(reads='built')")

    def replay(files: list[Path]) -> None:
        item.stash[_BUILT] = built = records.built_key(item.nodeid, built_site.site, files)
        record = records.built_replayable(item.nodeid, built)
        if record is not None:
            raise _Replayed(record["recorded"])

    return replay


# A test recorded with reads="code" is replayed after an edit of a page: it must not read one.
# An audit hook (it cannot be removed, so it watches only while such a test runs) notes every
# file or folder it opens under docs/ or the cache; the test then fails, naming the first.
_WATCH: dict = {"roots": (), "opened": []}


def _audit(event: str, args: tuple) -> None:
    if not _WATCH["roots"] or event not in ("open", "os.listdir", "os.scandir") or not isinstance(args[0], (str, os.PathLike)):
        return
    path = os.path.abspath(args[0])
    if any(path == root or path.startswith(root + os.sep) for root in _WATCH["roots"]):
        _WATCH["opened"].append(path)


def _watched_roots() -> tuple[str, ...]:
    from docbuild import cache, settings

    return str(cache.ROOT / records.PAGES), str(settings.load().cache_dir.resolve())


def pytest_runtest_setup(item):
    if item.stash.get(_SCOPE, None) == "code" and not _replayed(item):
        if not _WATCH.get("hooked"):
            sys.addaudithook(_audit)
            _WATCH["hooked"] = True
        _WATCH["roots"], _WATCH["opened"] = _watched_roots(), []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call" and call.excinfo is not None and call.excinfo.errisinstance(_Replayed):
        report.outcome, report.longrepr = "passed", None
        report.user_properties.append(("recorded-test-replayed", str(call.excinfo.value)))
    if call.when == "teardown" and _WATCH["roots"]:
        opened, _WATCH["roots"] = _WATCH["opened"], ()
        if opened and report.passed:
            report.outcome, report.longrepr = "failed", (
                f"{item.nodeid} is recorded with reads='code' (replayed after an edit of a page) but opened "
                f"{opened[0]}: mark it `recorded` without reads= (tests/conftest.py, docbuild.records)")
    phases = item.stash.get(_RUN, None)
    if phases is not None and report.passed:
        phases.append((report.when, report.duration))
        if [when for when, _ in phases] == ["setup", "call", "teardown"]:
            records.write_recorded(item.nodeid, sum(seconds for _, seconds in phases), item.stash[_SCOPE],
                                   item.stash.get(_BUILT, None))
    return report


def pytest_runtest_logreport(report):
    if report.when == "call":
        _REPLAYED["tests"] += any(name == "recorded-test-replayed" for name, _ in report.user_properties)
    _REPLAYED["notes"].update(value for name, value in report.user_properties if name == "recorded-test-note")


def pytest_terminal_summary(terminalreporter):
    if _REPLAYED["tests"]:
        terminalreporter.write_line(
            f"{_REPLAYED['tests']} tests marked `recorded` were replayed, not run: they passed before on exactly what "
            "they read and run with (docbuild.records; COURSE_TEST_RECORDS=off runs them)")
    for note in sorted(_REPLAYED["notes"]):
        terminalreporter.write_line(f"records: {note}")


def _not_sources(folder: str, names: list[str]) -> set[str]:
    """What a copy of the project leaves out: environments, caches, build outputs (not the
    compiled modules in __pycache__: the copy's processes need not compile them again)."""
    skip = {".venv", ".git", "site", ".cache"}
    built_here = Path(folder).parent == ROOT / "docs"  # docs/<lang>/figures, docs/<lang>/downloads
    return {n for n in names if n in skip or n.endswith(".egg-info") or n.startswith(".coverage")
            or (built_here and n in {"figures", "downloads"})}


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
