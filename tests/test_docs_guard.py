"""Mechanical guards on the pages: nothing shown as code escapes testing without saying why."""

from __future__ import annotations

import re

import pytest

from docs_markdown import ROOT, fences, include_text, pages

PYTHON_LIKE = re.compile(r"^\{?\.?(py|py3|python|python3|pycon|ipython|ipython3)\b", re.I)
SKIP_LIKE = re.compile(r"^pytest\.mark\.(skip|skipif|xfail)\b")
HAS_REASON = re.compile(r"reason\s*=\s*(['\"])\s*\S.*?\1")
# A line pymdownx.snippets treats as an include (`;--8<--` is its escape for showing one).
INCLUDE_LINE = re.compile(r"^\s*-+8<-+\s")


def problems(page) -> list[str]:
    """Everything wrong with one page, each naming file:line."""
    found = []
    fenced_lines = set()
    for f in fences(page):
        fenced_lines.update(range(f.line, f.line + f.body.count("\n") + 2))
        if PYTHON_LIKE.match(f.info) and (f.info != "python" or not f.mark.startswith("`")):
            found.append(f"{f.where}: fence {f.mark}{f.info} is skipped silently by "
                         "pytest-codeblocks; write exactly ```python (no title, no options)")
        if f.info.split(" ")[0] in {"sh", "bash", "zsh"}:
            found.append(f"{f.where}: ```{f.info} blocks are executed by pytest-codeblocks; "
                         "show commands in ```console")
        for marker in f.markers:
            if SKIP_LIKE.match(marker) and not HAS_REASON.search(marker):
                found.append(f"{f.where}: `{marker}` has no reason; add reason=\"why it can't run\"")
            if marker.startswith("pytest-codeblocks:skip"):
                found.append(f"{f.where}: `{marker}` gives no reason; use pytest.mark.skip(reason=...)")
        found += [f"{f.path.relative_to(ROOT)}:{n}: line is less indented than its fence "
                  f"(line {f.line}); it breaks the page but not the test" for n in f.dedent_lines]
        found += _include_problems(f)
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if INCLUDE_LINE.match(line) and number not in fenced_lines:
            found.append(f"{page.relative_to(ROOT)}:{number}: `--8<--` outside a ```python block")
    return found


def _include_problems(f) -> list[str]:
    """An include is the whole of a ```python block, comes from snippets/ and resolves."""
    if not any(INCLUDE_LINE.match(ln) for ln in f.body.splitlines()):
        return []
    if f.info != "python" or not f.includes:
        return [f"{f.where}: an include must be the only content of a ```python block"]
    found = []
    for match in f.includes:
        if not match["path"].startswith("snippets/"):
            found.append(f"{f.where}: includes may only come from snippets/, not {match['path']}")
            continue
        try:
            compile(include_text(match), match["path"], "exec")
        except (OSError, LookupError, SyntaxError) as err:
            found.append(f"{f.where}: {err}")
    return found


ALL_PAGES = pages()


@pytest.mark.parametrize("page", ALL_PAGES, ids=[str(p.relative_to(ROOT)) for p in ALL_PAGES])
def test_page_has_no_untested_code(page):
    assert not problems(page), "\n".join(problems(page))


BAD_PAGE = '''# Bad

```py
print("silently skipped")
```

~~~python
print("silently skipped too")
~~~

```python title="x.py"
print(1)
```

<!--pytest.mark.skip-->
```python
print(2)
```

```bash
rm -rf /
```

```python
--8<-- "README.md"
```

```python
--8<-- "snippets/devices.py:no-such-section"
```

--8<-- "snippets/devices.py"

??? success "Solution"

    ```python
    x = 1
  y = 2
    ```
'''


def test_guard_catches_every_kind_of_problem(tmp_path, monkeypatch):
    import docs_markdown

    monkeypatch.setattr(docs_markdown, "ROOT", tmp_path)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "devices.py").write_text("x = 1\n")
    page = tmp_path / "bad.md"
    page.write_text(BAD_PAGE)
    found = "\n".join(problems(page))
    for expected in ("bad.md:3: fence ```py", "bad.md:7: fence ~~~python", 'bad.md:11: fence ```python title="x.py"',
                     "bad.md:16: `pytest.mark.skip` has no reason", "bad.md:20: ```bash",
                     "bad.md:24: includes may only come from snippets/",
                     "bad.md:28: snippets/devices.py: no section 'no-such-section'",
                     "bad.md:32: `--8<--` outside",
                     "bad.md:38: line is less indented than its fence (line 36)"):
        assert expected in found, f"guard missed: {expected}\n{found}"
