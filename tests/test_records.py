"""What the records' keys cover (docbuild.records); replaying is tested on real runs in
test_codeblock_harness (pages) and below (`recorded` tests)."""

from __future__ import annotations

import shutil
import subprocess
from importlib import metadata

import pytest

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


def test_the_code_digest_leaves_out_the_pages_and_the_caches(tmp_path, monkeypatch):
    root, kept = tmp_path / "project", tmp_path / "cache"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(kept))
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "page.md").write_text("# P\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text("X = 1\n")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    before = records.project_digest(root, "code")
    assert before != records.project_digest(root), "the code digest is the project digest"
    (root / "docs" / "page.md").write_text("# P, edited\n")
    (kept / "figures").mkdir(parents=True)
    (kept / "figures" / "f.png").write_bytes(b"png")
    assert records.project_digest(root, "code") == before, "an edit of a page or the cache changed the code digest"
    (root / "tests" / "test_x.py").write_text("X = 2\n")
    assert records.project_digest(root, "code") != before, "an edit of a test keeps the code digest"
    with pytest.raises(ValueError, match="project, code, built, not 'pages'"):
        records.project_digest(root, "pages")


RECORDED_TEST = '''
from pathlib import Path

import pytest

pytestmark = pytest.mark.recorded


def test_tool():
    Path("ran").write_text("yes")
'''


@pytest.mark.recorded(reads="code")  # runs pytest on a test it writes itself (tests/conftest.py)
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


@pytest.mark.recorded(reads="code")
def test_a_failed_recorded_test_leaves_no_record(pytester, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_tool=RECORDED_TEST + "    assert False\n")
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)
    assert not list((pytester.path / ".cache").rglob("*.json"))


CODE_SCOPED_TEST = '''
import pytest

from docbuild import cache

pytestmark = pytest.mark.recorded(reads="code")


def test_reads_no_page():
    assert (cache.ROOT / "pyproject.toml").read_text()


def test_reads_a_page():
    assert (cache.ROOT / "docs" / "en" / "index.md").read_text()

'''


@pytest.mark.recorded(reads="code")
def test_a_code_scoped_test_that_opens_a_page_fails_naming_it(pytester, monkeypatch):
    """Replayed after an edit of a page, a reads="code" test must not read one."""
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))
    monkeypatch.setenv("COURSE_TEST_RECORDS", "off")
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_tool=CODE_SCOPED_TEST,
                        test_unknown="import pytest\n\n\n@pytest.mark.recorded(reads='pages')\ndef test_unknown_scope():\n"
                                     "    pass\n")
    done = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_tool.py")
    done.assert_outcomes(passed=2, errors=1)
    done.stdout.fnmatch_lines([f"*test_reads_a_page is recorded with reads='code'*opened {ROOT}/docs/en/index.md*"])
    unknown = pytester.runpytest_subprocess("-p", "no:cacheprovider", "test_unknown.py")
    assert unknown.ret != 0
    unknown.stderr.fnmatch_lines(["*test_unknown_scope: recorded(reads='pages'): reads is one of*"])


BUILT_SCOPED_TEST = '''
from pathlib import Path

import pytest

from conftest import Build

pytestmark = pytest.mark.recorded(reads="built")


@pytest.fixture(scope="session")
def built_site():
    return Build(Path("site").resolve(), "")  # stands in for the strict build


def test_visit(replay_if_built_the_same, built_site):
    replay_if_built_the_same([built_site.site / "page.html"])
    Path("ran").write_text("yes")
'''


@pytest.mark.recorded(reads="code")
def test_a_built_scoped_test_is_replayed_while_the_files_it_read_are_the_same(pytester, monkeypatch):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))
    monkeypatch.setenv("COURSE_TEST_RECORDS", "use")
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    pytester.makepyfile(test_visit=BUILT_SCOPED_TEST)
    (pytester.path / "site").mkdir()
    page, ran = pytester.path / "site" / "page.html", pytester.path / "ran"
    page.write_text("<p>1</p>")

    def runs() -> bool:
        ran.unlink(missing_ok=True)
        done = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        done.assert_outcomes(passed=1)
        return ran.is_file()

    assert runs(), "the first run was replayed"
    assert not runs(), "nothing changed, and it ran again"
    [record] = (pytester.path / ".cache" / "records" / "tests").glob("*.json")

    def change_the_project():  # its key no longer matches; the site is built again
        record.write_text(record.read_text().replace('"key": "', '"key": "other project '))

    change_the_project()
    assert not runs(), "the built file it reads is the same, and it ran again"
    change_the_project()
    page.write_text("<p>2</p>")
    assert runs(), "the built file it reads changed, and it was replayed"
