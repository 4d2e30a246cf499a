"""scripts/sync_code.py: code is written in docs/en and copied into docs/zh with its comments kept."""

from __future__ import annotations

import pytest

from docbuild import sync
from docbuild.pages import DOCS

EN = '''# T

Text.

```python
x = 1  # one
y = 2
```

<!--pytest-codeblocks:expected-output-->

```text
3
```

## Later

```python
print("later")
```
'''

ZH = '''# 标题

文字。

```python
x = 1  # 一
y = 2
```

<!--pytest-codeblocks:expected-output-->

```text
3
```

## 后面

```python
print("later")
```
'''


@pytest.fixture
def pair(tmp_path, monkeypatch):
    monkeypatch.setattr(sync, "DOCS", tmp_path)
    for lang, text in (("en", EN), ("zh", ZH)):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "p.md").write_text(text, encoding="utf-8")

    class Pair:
        en = tmp_path / "en" / "p.md"
        zh = tmp_path / "zh" / "p.md"

    return Pair


def test_pages_in_sync_have_no_drift_and_nothing_to_write(pair):
    assert sync.drift("p.md", "zh") == []
    assert not sync.sync_page("p.md", "zh").changed


def test_a_changed_line_is_copied_and_other_comments_are_kept(pair):
    pair.en.write_text(EN.replace("y = 2", "y = 5  # five of them").replace("3\n```", "6\n```"), encoding="utf-8")
    problems = sync.drift("p.md", "zh")
    assert [p.split(": ")[0] for p in problems] == [f"{pair.zh}:5", f"{pair.zh}:12"], problems
    assert all("differs from the English page" in p and "scripts/sync_code.py" in p for p in problems)
    report = sync.sync_page("p.md", "zh")
    text = pair.zh.read_text(encoding="utf-8")
    assert "x = 1  # 一\ny = 5  # five of them\n" in text and "```text\n6\n```" in text and "# 标题" in text
    assert any("translate the new comment" in note and "five of them" in note for note in report.notes)
    assert sync.drift("p.md", "zh") == []


def test_a_new_block_is_inserted_after_its_predecessor_and_a_removed_one_removed(pair):
    pair.en.write_text(EN.replace('## Later\n\n```python\nprint("later")\n```\n',
                                  '```python\nz = 3\n```\n\n## Later\n'), encoding="utf-8")
    report = sync.sync_page("p.md", "zh")
    text = pair.zh.read_text(encoding="utf-8")
    assert "```python\nz = 3\n```" in text and 'print("later")' not in text
    assert text.index("z = 3") < text.index("## 后面")
    assert any("inserted the block" in n for n in report.notes) and any("removed a block" in n for n in report.notes)
    assert sync.drift("p.md", "zh") == []


def test_markers_are_copied_from_english(pair):
    pair.en.write_text(EN.replace("```python\nprint", '<!--pytest.mark.skip(reason="a long enough reason")-->\n\n```python\nprint'),
                       encoding="utf-8")
    assert sync.drift("p.md", "zh")
    sync.sync_page("p.md", "zh")
    assert '<!--pytest.mark.skip(reason="a long enough reason")-->\n\n```python\nprint' in pair.zh.read_text()


def test_merge_keeps_comments_on_unchanged_lines_only():
    body, untranslated = sync.merge("python", "a = 1  # A\nb = 2  # B\n", "a = 1  # 甲\nb = 3  # 乙\n")
    assert body == "a = 1  # 甲\nb = 2  # B\n" and untranslated == []  # "B" is not prose
    body, untranslated = sync.merge("python", "    # a comment line\n    a = 1\n", "    # 注释行\n    a = 1\n")
    assert body == "    # 注释行\n    a = 1\n"


def test_real_pages_are_in_sync():
    for name in sync.names():
        assert sync.drift(name, "zh") == [], name
    assert (DOCS / "zh").is_dir()
