"""The code-block harness (root conftest.py) run on throwaway pages with pytester."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PAGE = '''# Page

```python
print(1 + 1)
```

<!--pytest-codeblocks:expected-output-->

```text
2
```

```python
--8<-- "snippets/devices.py"
```

<!--pytest.mark.skip(reason="needs a GPU")-->
```python
raise SystemExit("never runs")
```

```python
x = 3
```
'''


@pytest.fixture
def run(pytester, monkeypatch):
    """Run pytest (in a subprocess: torch cannot be imported twice in one process) on a page."""
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(str(ROOT / d) for d in ("tests", "", "scripts")))

    def run_page(text: str, timeout_s: str = "60"):
        monkeypatch.setenv("COURSE_CODEBLOCK_TIMEOUT_S", timeout_s)
        pytester.makefile(".md", page=text)
        return pytester.runpytest_subprocess("--codeblocks", "-p", "no:cacheprovider", "page.md")

    return run_page


def test_summary_counts_every_kind_of_block(run):
    result = run(PAGE)
    result.assert_outcomes(passed=3, skipped=1)
    result.stdout.fnmatch_lines([
        "*code blocks on the pages*",
        "3 executed: 1 verified against shown output, 1 included from snippets/, "
        "1 run without shown output; 1 skipped; 0 failed",
        "  skipped page.md::line 18: needs a GPU",
    ])


def test_wrong_shown_output_fails_naming_the_line(run):
    result = run(PAGE.replace("2\n```\n\n```python\n--8<--", "3\n```\n\n```python\n--8<--"))
    result.assert_outcomes(failed=1, passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*FAILED page.md::line 3*"])


def test_include_of_a_missing_section_fails(run):
    result = run(PAGE.replace('"snippets/devices.py"', '"snippets/devices.py:nope"'))
    result.assert_outcomes(failed=1, passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*no section 'nope'*"])


def test_hanging_block_fails_on_time_naming_the_line(run):
    result = run("# Hang\n\n```python\nwhile True:\n    pass\n```\n", timeout_s="1")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Timeout*", "*FAILED page.md::line 3*"])
