"""Both languages are first-class: same pages, same code, same structure, same figures."""

from __future__ import annotations

import io
import re
import tokenize

import pytest

from docs_markdown import DOCS, LANGUAGES, ROOT, fences

HEADING = re.compile(r"^(#{1,6})\s")
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+([\w-]+)")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
REASON = re.compile(r"reason\s*=\s*(['\"]).*?\1")


def _relative_files(lang: str, pattern: str) -> set[str]:
    root = DOCS / lang
    return {str(p.relative_to(root)) for p in root.rglob(pattern)}


def test_every_page_exists_in_both_languages():
    for pattern in ("*.md", "notebooks/*.py"):
        zh, en = (_relative_files(lang, pattern) for lang in LANGUAGES)
        assert not zh - en, f"only in docs/zh (write the English page): {sorted(zh - en)}"
        assert not en - zh, f"only in docs/en (write the Chinese page): {sorted(en - zh)}"


def strip_comments(code: str) -> str:
    """Python code without comments or trailing spaces (comments may be translated)."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.COMMENT]
        code = tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        code = re.sub(r"#[^\n]*", "", code)
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def _normalise(info: str, body: str) -> str:
    if info == "python":
        return strip_comments(body)
    if info in {"console", "shell"}:
        return re.sub(r"[ \t]+#[^\n]*", "", body)  # a command's trailing comment may be translated
    return body


def _page_outline(path):
    """What must match: code blocks, markers, headings, admonitions, images (in order)."""
    blocks = [
        (f.info, _normalise(f.info, f.body),
         [REASON.sub("reason=…", m) for m in f.markers])
        for f in fences(path)
    ]
    fenced = {n for f in fences(path) for n in range(f.line, f.line + f.body.count("\n") + 2)}
    headings, admonitions, images = [], [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number in fenced:
            continue
        if m := HEADING.match(line):
            headings.append(len(m[1]))
        if m := ADMONITION.match(line):
            admonitions.append(f"{m[1]} {m[2]}")
        images.extend(IMAGE.findall(line))
    return {"code blocks": blocks, "headings (levels)": headings,
            "admonitions": admonitions, "images": images}


PAIRS = sorted(_relative_files("zh", "*.md") & _relative_files("en", "*.md"))


@pytest.mark.parametrize("page", PAIRS)
def test_pages_match_across_languages(page):
    zh, en = (_page_outline(DOCS / lang / page) for lang in LANGUAGES)
    for part in zh:
        if zh[part] != en[part]:
            detail = _first_difference(zh[part], en[part])
            pytest.fail(f"docs/zh/{page} and docs/en/{page}: {part} differ: {detail}")


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"item {i + 1}: zh {x!r} vs en {y!r}"
    return f"zh has {len(a)}, en has {len(b)}"


NOTEBOOKS = sorted(_relative_files("zh", "notebooks/*.py") & _relative_files("en", "notebooks/*.py"))


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebooks_match_across_languages(notebook):
    import jupytext

    cells = {}
    for lang in LANGUAGES:
        nb = jupytext.read(DOCS / lang / notebook)
        cells[lang] = [(c.cell_type, strip_comments(c.source) if c.cell_type == "code" else "")
                       for c in nb.cells]
    assert cells["zh"] == cells["en"], (
        f"docs/*/{notebook}: cells differ: {_first_difference(cells['zh'], cells['en'])}"
    )


def test_parity_checker_sees_differences(tmp_path):
    """The checker itself must catch a changed line of code and ignore translated comments."""
    assert strip_comments("x = 1  # 注释\n") == strip_comments("x = 1  # comment\n")
    assert strip_comments("x = 1\n") != strip_comments("x = 2\n")
    page_a, page_b = tmp_path / "a.md", tmp_path / "b.md"
    page_a.write_text("# T\n\n```python\nx = 1  # 一\n```\n\n!!! bug \"修正\"\n")
    page_b.write_text("# T\n\n```python\nx = 1  # one\n```\n\n!!! bug \"Fixes\"\n")
    assert _page_outline(page_a) == _page_outline(page_b)
    page_b.write_text("# T\n\n## extra\n\n```python\nx = 1\n```\n\n!!! bug \"Fixes\"\n")
    assert _page_outline(page_a)["headings (levels)"] != _page_outline(page_b)["headings (levels)"]
