"""What the records' keys cover (docbuild.records); replaying is tested on real runs in
test_codeblock_harness (pages) and below (`recorded` tests)."""

from __future__ import annotations

import shutil
import subprocess
from importlib import metadata

from docbuild import numerics, records
from docbuild.settings import ROOT


def _project(tmp_path):
    for tree in ("snippets", "scripts/docbuild"):
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_key_changes_with_the_code_the_pages_run_with(tmp_path):
    root = _project(tmp_path)
    before = records.environment_digest(root)
    assert records.environment_digest(root) == before, "the digest is not stable"
    for edited in ("snippets/devices.py", "scripts/docbuild/harness.py", "conftest.py", "pyproject.toml"):
        path = root / edited
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\n# edited\n", encoding="utf-8")
        assert records.environment_digest(root) != before, f"an edit of {edited} keeps the key"
        path.write_text(text, encoding="utf-8")
    (root / "snippets" / "new_module.py").write_text("X = 1\n", encoding="utf-8")
    assert records.environment_digest(root) != before, "a new snippets module keeps the key"


def test_the_key_changes_with_the_libraries_the_numeric_mode_and_the_settings(tmp_path, monkeypatch):
    root = _project(tmp_path)
    before = records.environment_digest(root)
    real = metadata.distributions
    monkeypatch.setattr(metadata, "distributions", lambda: [d for d in real() if d.metadata["Name"] != "numpy"])
    assert records.environment_digest(root) != before, "another set of installed libraries keeps the key"
    monkeypatch.setattr(metadata, "distributions", real)
    monkeypatch.setitem(numerics.ENVIRONMENT, "ATEN_CPU_CAPABILITY", "avx512")
    assert records.environment_digest(root) != before, "another numeric mode keeps the key"
    monkeypatch.undo()
    monkeypatch.setenv("COURSE_TORCH_THREADS", "2")
    assert records.environment_digest(root) != before, "another thread count keeps the key"
    monkeypatch.setenv("COURSE_TORCH_THREADS", "1")
    assert records.environment_digest(root) == before


def test_the_key_changes_with_the_page():
    text = "# P\n\n```python\nprint(1)\n```\n"
    assert records.page_key(text) == records.page_key(text)
    assert records.page_key(text) != records.page_key(text.replace("1", "2"))


def _git(root, *argv):
    subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)


def test_the_project_digest_covers_every_source_and_the_kept_caches(tmp_path, monkeypatch):
    root, kept = tmp_path / "project", tmp_path / "cache"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(kept))
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "page.md").write_text("# P\n")
    (root / ".gitignore").write_text("site/\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    before = records.project_digest(root)
    assert before and records.project_digest(root) == before
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("built")
    assert records.project_digest(root) == before, "an ignored build output changed the digest"
    (root / "docs" / "page.md").write_text("# P, edited\n")
    edited = records.project_digest(root)
    assert edited != before, "an edit of a tracked file keeps the digest"
    (root / "new.py").write_text("X = 1\n")
    assert records.project_digest(root) != edited, "a new file git would track keeps the digest"
    (kept / "figures").mkdir(parents=True)
    (kept / "figures" / "f.png").write_bytes(b"png")
    assert records.project_digest(root) != edited, "a new cached figure keeps the digest"
    assert records.project_digest(tmp_path / "not-a-checkout") is None


RECORDED_TEST = '''
from pathlib import Path

import pytest

pytestmark = pytest.mark.recorded


def test_tool():
    Path("ran").write_text("yes")
'''


def test_a_recorded_test_that_passed_is_replayed_and_off_runs_it(pytester, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))
    monkeypatch.setenv("COURSE_TEST_RECORDS", "use")  # whatever the outer run was told
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_tool=RECORDED_TEST)
    ran = pytester.path / "ran"
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert ran.is_file()
    ran.unlink()
    replayed = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    replayed.assert_outcomes(passed=1)
    assert not ran.exists(), "the recorded test ran again"
    replayed.stdout.fnmatch_lines(["1 tests marked `recorded` were replayed, not run*COURSE_TEST_RECORDS=off*"])
    monkeypatch.setenv("COURSE_TEST_RECORDS", "off")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert ran.is_file()


def test_a_failed_recorded_test_leaves_no_record(pytester, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_tool=RECORDED_TEST + "    assert False\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)
    assert not list((pytester.path / ".cache").rglob("*.json"))
