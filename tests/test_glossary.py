"""The glossary (docs/<lang>/glossary.md): one term list, the same in both languages, and the
Chinese chapter pages keep to it."""

from __future__ import annotations

import re

import pytest

from docbuild.pages import DOCS

# Columns of each language's table: (term in this language, term in the other, meaning, chapter, not used)
SEPARATORS = {"en": ",", "zh": "、"}


def rows(lang: str) -> list[list[str]]:
    """The cells of every body row of the glossary table of one language."""
    lines = (DOCS / lang / "glossary.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) > 2, f"docs/{lang}/glossary.md: no table"
    assert re.fullmatch(r"\|(\s*-{3,}\s*\|){5}", table[1]), f"docs/{lang}/glossary.md: the table needs 5 columns"
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]


def entries(lang: str) -> dict[tuple[str, str], dict]:
    """(english, chinese) -> {"avoid": set of Chinese variants, "chapter": link} for one language."""
    found = {}
    for cells in rows(lang):
        assert len(cells) == 5, f"docs/{lang}/glossary.md: row {cells} does not have 5 cells"
        own, other, meaning, chapter, avoid = cells
        english, chinese = (own, other) if lang == "en" else (other, own)
        assert english and chinese and meaning, f"docs/{lang}/glossary.md: row {cells} has an empty cell"
        assert (english, chinese) not in found, f"docs/{lang}/glossary.md: {english} / {chinese} twice"
        variants = {v.strip() for v in avoid.split(SEPARATORS[lang]) if v.strip()}
        found[(english, chinese)] = {"avoid": variants, "chapter": chapter}
    return found


def test_both_glossaries_hold_the_same_pairs_variants_and_chapters():
    en, zh = entries("en"), entries("zh")
    assert set(en) == set(zh), (
        f"only in docs/en/glossary.md: {sorted(set(en) - set(zh))}; "
        f"only in docs/zh/glossary.md: {sorted(set(zh) - set(en))}")
    for pair in en:
        assert en[pair] == zh[pair], f"{pair}: the two glossaries disagree: {en[pair]} / {zh[pair]}"
    # one term per concept: no Chinese term twice, no variant that is also a term
    chinese = [z for _, z in en]
    assert len(chinese) == len(set(chinese))
    variants = set().union(*(e["avoid"] for e in en.values()))
    assert not variants & set(chinese), f"a term is also marked as not used: {variants & set(chinese)}"


def _prose(text: str) -> str:
    """A page without its code: fenced blocks and inline code do not count as wording."""
    text = re.sub(r"^(\s*)(```|~~~).*?^\1\2\s*$", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


CHAPTERS = sorted((DOCS / "zh").glob("[0-9][0-9]-*.md"))


@pytest.mark.parametrize("page", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chinese_chapter_pages_use_the_glossary_terms(page):
    variants = {v: z for (_, z), e in entries("zh").items() for v in e["avoid"]}
    prose = _prose(page.read_text(encoding="utf-8"))
    used = [f"{v} (write {z})" for v, z in sorted(variants.items()) if v in prose]
    assert not used, f"docs/zh/{page.name} uses terms the glossary marks as not used: {', '.join(used)}"


def test_the_check_finds_a_variant_and_ignores_code():
    assert "批量大小" in _prose("每批的批量大小是 32。")
    assert "批量大小" not in _prose("```python\nx = 1  # 批量大小\n```\n用 `批量大小` 作为变量名")
