"""The code-block harness (docbuild.harness) run on throwaway pages with pytester."""

from __future__ import annotations

import json
import os

import pytest

from docbuild import harness
from docbuild.settings import ROOT

pytestmark = pytest.mark.recorded(reads="code")  # runs pytest on pages it writes itself: replayed until the code changes (tests/conftest.py)

PAGE = '''# Page

```python
import math

print(math.sqrt(4))
```

<!--pytest-codeblocks:expected-output-->

```text
2.0
```

```python
--8<-- "snippets/devices.py:imports"
```

<!--pytest.mark.skip(reason="needs a GPU, which the test machines do not have")-->

```python
raise SystemExit("never runs")
```

```python
root = math.sqrt(9)  # `math` comes from the first block: one namespace per page
print(root, __name__, torch.__name__)
```

<!--pytest-codeblocks:expected-output-->

```text
3.0 __main__ torch
```
'''


@pytest.fixture
def run(pytester, monkeypatch):
    """Run pytest (in a subprocess: torch cannot be imported twice in one process) on a page."""
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    monkeypatch.chdir(pytester.path)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(pytester.path / ".cache"))  # its own page records
    monkeypatch.setenv("COURSE_TEST_RECORDS", "use")  # whatever the outer run was told

    def run_page(text: str, *args: str, timeout_s: str = "60"):
        monkeypatch.setenv("COURSE_CODEBLOCK_TIMEOUT_S", timeout_s)
        (pytester.path / "docs" / "en").mkdir(parents=True, exist_ok=True)
        (pytester.path / "docs" / "en" / "page.md").write_text(text, encoding="utf-8")
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", "docs/en/page.md", *args)

    return run_page


def test_a_page_runs_as_one_program_and_the_summary_counts_it(run):
    result = run(PAGE)
    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines([
        "*code blocks on the pages*",
        "3 of 4 blocks on 1 pages ran as one program per page (once for both languages): "
        "2 verified against the output shown, 1 showing code from snippets/, 0 other; 1 skipped; 0 failed",
        "  skipped docs/en/page.md:21: needs a GPU, which the test machines do not have",
    ])


def test_wrong_shown_output_fails_with_a_diff_naming_the_line(run):
    result = run(PAGE.replace("2.0\n", "2.5\n"))
    result.assert_outcomes(failed=1, passed=2, skipped=1)  # the code ran: the page goes on
    result.stdout.fnmatch_lines(["*docs/en/page.md:3: the block prints something other than the output*",
                                 "*-2.5", "*+2.0"])


def test_an_error_names_the_line_that_raised(run):
    result = run(PAGE.replace("print(root, __name__", "print(undefined_name, __name__"))
    result.stdout.fnmatch_lines(["docs/en/page.md:27 (in the block at line 25): NameError: name 'undefined_name'*"])


def test_an_error_in_included_code_names_the_snippets_line(run):
    page = ('# P\n\n```python\n--8<-- "snippets/devices.py:imports"\n--8<-- "snippets/devices.py:resolve"\n'
            "```\n\n```python\nresolve_device('gpu')\n```\n")
    result = run(page)
    result.stdout.fnmatch_lines(["snippets/devices.py:* (included by the block at docs/en/page.md:3): "
                                 "ValueError: device must be one of auto, cpu, cuda, not 'gpu'",
                                 "  docs/en/page.md:9: resolve_device('gpu')",
                                 "  snippets/devices.py:*: raise ValueError*"])


def test_a_block_without_its_predecessors_runs_them_first(run):
    result = run(PAGE, "--deselect", "docs/en/page.md::line 3", "--deselect", "docs/en/page.md::line 15")
    result.assert_outcomes(passed=1, skipped=1, deselected=2)  # line 25 needs `math` from line 3


def test_a_failing_block_stops_the_page(run):
    result = run(PAGE.replace("print(math.sqrt(4))", "print(math.sqrt(-4))"))
    result.assert_outcomes(failed=1, skipped=3)
    result.stdout.fnmatch_lines(["*docs/en/page.md:6 (in the block at line 3): ValueError: math domain error*",
                                 "*2 blocks were not run because a block before them on their page failed*"])


def test_include_of_a_missing_section_is_an_error_naming_the_page_line(run):
    result = run(PAGE.replace("devices.py:imports", "devices.py:nope"))
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*docs/en/page.md:16: snippets/devices.py: no section 'nope'*"])


def test_hanging_block_fails_on_time_naming_the_line(run):
    result = run("# Hang\n\n```python\nwhile True:\n    pass\n```\n", timeout_s="1")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout*", "*FAILED docs/en/page.md::line 3*"])


def test_sys_exit_in_a_block_is_a_failure(run):
    result = run("# Exit\n\n```python\nimport sys\nsys.exit(3)\n```\n")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*calls sys.exit(3)*"])


def test_deprecation_warnings_fail_a_block(run):
    page = "# W\n\n```python\nimport warnings\nwarnings.warn('old API', DeprecationWarning)\n```\n"
    (ROOT / "pyproject.toml")  # the project's filterwarnings turn warnings into errors
    result = run(page, "-W", "error::DeprecationWarning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*DeprecationWarning: old API*"])


@pytest.mark.recorded  # reads the real pages: replayed while nothing of the project changed
def test_unaccounted_blocks_are_named():
    """A block the pages contain but the run did not execute (e.g. a page that stopped being
    collected) is reported with its file and line."""
    problems = harness.unaccounted_blocks({})
    assert problems and all(":" in p and "was not executed" in p for p in problems)
    assert any(p.startswith("docs/en/02-linear-model.md:") for p in problems)


def test_settings_errors_name_the_variable(run, monkeypatch):
    monkeypatch.setenv("COURSE_CODEBLOCK_TIMEOUT_S", "soon")
    result = run(PAGE, timeout_s="soon")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*COURSE_CODEBLOCK_TIMEOUT_S='soon' is not valid*"])
    assert os.environ.get("COURSE_CODEBLOCK_TIMEOUT_S") == "soon"


def test_an_indented_output_keeps_its_blank_lines(run):
    page = ('# Page\n\n??? success "Solution"\n\n    ```python\n    print("a")\n    print()\n    print("b")\n    ```\n\n'
            '    <!--pytest-codeblocks:expected-output-->\n\n    ```text\n    a\n\n    b\n    ```\n')
    result = run(page)
    result.assert_outcomes(passed=1)
    wrong = page.replace("    a\n\n    b\n", "    a\n    b\n")
    run(wrong).assert_outcomes(failed=1)



def test_an_approximate_output_allows_the_last_digits_and_no_more(run):
    page = ('# Page\n\n??? success "Solution"\n\n    ```python\n    import math\n\n    print(f"{math.pi:.4f}")\n    ```\n\n'
            '    <!--output-approximate reason="the last digits depend on the processor"-->\n'
            '    <!--pytest-codeblocks:expected-output-->\n\n    ```text\n    3.1414\n    ```\n')
    run(page).assert_outcomes(passed=1)  # 3.1416 printed: 2 in the last digit
    result = run(page.replace("3.1414", "3.1814"))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/en/page.md:5: the block prints something other than the output shown below it "
                                 "(its numbers may differ by 1% or 2 in the last digit; these differ more)*"])

RECORDED = ("# R\n\n```python\nfrom pathlib import Path\n\nPath('ran.txt').write_text('yes')\nprint(2 + 2)\n```\n\n"
            "<!--pytest-codeblocks:expected-output-->\n\n```text\n4\n```\n")


def test_an_unchanged_page_that_passed_is_replayed_and_any_edit_runs_it_again(run, pytester, monkeypatch):
    ran = pytester.path / "ran.txt"
    run(RECORDED).assert_outcomes(passed=1)
    assert ran.is_file(), "the first run ran the block"
    ran.unlink()
    replayed = run(RECORDED)
    replayed.assert_outcomes(passed=1)
    assert not ran.exists(), "the unchanged page was run again"
    replayed.stdout.fnmatch_lines(["  1 of the passed blocks (1 pages) were replayed, not run*COURSE_TEST_RECORDS=off*"])
    run(RECORDED.replace("\n4\n", "\n5\n")).assert_outcomes(failed=1)  # an edited page runs (and fails)
    assert ran.is_file()
    ran.unlink()
    monkeypatch.setenv("COURSE_TEST_RECORDS", "off")
    run(RECORDED).assert_outcomes(passed=1)
    assert ran.is_file(), "COURSE_TEST_RECORDS=off replayed the page"


def test_a_page_with_a_failed_block_leaves_no_record(run, pytester):
    run(RECORDED.replace("print(2 + 2)", "print(2 + 3)")).assert_outcomes(failed=1)
    assert not list((pytester.path / ".cache").rglob("*.json"))


def test_a_damaged_record_is_named_discarded_and_the_page_runs(run, pytester):
    run(RECORDED).assert_outcomes(passed=1)
    (record,) = (pytester.path / ".cache" / "records" / "pages").iterdir()
    record.write_text('{"key": "abc", "pas', encoding="utf-8")
    (pytester.path / "ran.txt").unlink()
    result = run(RECORDED)
    result.assert_outcomes(passed=1)
    assert (pytester.path / "ran.txt").is_file()
    result.stdout.fnmatch_lines(["  records: discarded the damaged record .cache/records/pages/docs__en__page.md.json: "
                                 "the page ran instead"])
    assert json.loads(record.read_text(encoding="utf-8"))["passed"] == [3], "the clean run was recorded again"


def test_a_page_split_across_workers_is_an_error_and_loadfile_keeps_it_whole(run):
    page = "# Split\n\n" + "".join(f"```python\nx{n} = {n}\n```\n\n" for n in range(8))
    split = run(page, "-n", "2", "--dist", "load")
    assert split.ret != 0
    split.stdout.fnmatch_lines(["*the blocks before this one ran in another process: a page runs in one process, "
                                "in order (pytest-xdist: --dist loadfile)*"])
    run(page, "-n", "2", "--dist", "loadfile").assert_outcomes(passed=8)
