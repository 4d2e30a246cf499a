"""Guards on the pages (docbuild.checks): every problem names its file and line."""

from __future__ import annotations

import pytest

from docbuild import checks, pages, sync
from docbuild.pages import LANGUAGES, display

ALL_PAGES = pages.pages()
PAIRS = sorted(checks.page_names("zh") & checks.page_names("en"))


def _ids(items):
    return [display(p.path) for p in items]


def test_every_page_exists_in_both_languages():
    assert not checks.missing_twins(), "\n".join(checks.missing_twins())


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids(ALL_PAGES))
def test_no_code_block_escapes_testing(page):
    problems = checks.fence_problems(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids(ALL_PAGES))
def test_page_is_written_in_its_language(page):
    problems = checks.language_problems(page)
    assert not problems, "\n".join(problems)


ZH_PAGES = pages.pages("zh")


@pytest.mark.parametrize("page", ZH_PAGES, ids=_ids(ZH_PAGES))
def test_chinese_text_has_chinese_typography(page):
    problems = checks.soft_break_problems(page) + checks.spacing_problems(page) + checks.quote_problems(page)
    assert not problems, "\n".join(problems)


def test_typography_checks_find_breaks_spaces_and_quotes(tmp_path):
    folder = tmp_path / "docs" / "zh"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text('# 标题\n\n第一行，\n第二行。\n\n**粗体。** 后面有空格。两个 汉字。\n\n他说"好"。\n\n'
                                 '用 `x = "a"` 时没有问题；`nn.Linear` 的写法也没有。\n', encoding="utf-8")
    page = pages.read(folder / "a.md")
    assert [p.split(": ")[0] for p in checks.soft_break_problems(page)] == [f"{display(folder / 'a.md')}:3"]
    assert len(checks.spacing_problems(page)) == 1 and ":6:" in checks.spacing_problems(page)[0]
    assert len(checks.quote_problems(page)) == 1 and ":8:" in checks.quote_problems(page)[0]


@pytest.mark.parametrize("name", PAIRS)
def test_code_blocks_are_copies_of_the_english_ones(name):
    problems = [p for lang in sync.TARGET_LANGUAGES for p in sync.drift(name, lang)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAIRS)
def test_both_languages_have_the_same_structure(name):
    problems = checks.structure_problems(name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PAIRS)
def test_prose_states_the_same_numbers_in_both_languages(name):
    problems = checks.number_problems(name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang in sync.TARGET_LANGUAGES])
def test_included_code_has_translated_comments(lang):
    problems = checks.untranslated_comments(lang)
    assert not problems, (f"{len(problems)} problems; `.venv/bin/python scripts/sync_code.py --comments` "
                          "adds the missing entries for you to translate:\n" + "\n".join(problems))


@pytest.mark.parametrize("page", ALL_PAGES, ids=_ids(ALL_PAGES))
def test_links_lead_to_pages_and_anchors_that_exist(page):
    problems = checks.link_problems(page)
    assert not problems, "\n".join(problems)


def test_link_checker_finds_missing_pages_and_anchors(tmp_path):
    folder = tmp_path / "docs" / "en"
    folder.mkdir(parents=True)
    (folder / "b.md").write_text("# B\n\n## The `x` value {#custom}\n\n## Same\n\n## Same\n")
    (folder / "a.md").write_text("# A\n\n## Here *we* go\n\n[ok](b.md#custom) [ok](b.md#same_1) [ok](#here-we-go)\n"
                                 "[bad](b.md#nope) [bad](#nowhere) [bad](c.md) [web](https://example.org/#x)\n")
    problems = "\n".join(checks.link_problems(pages.read(folder / "a.md")))
    assert "a.md:6: link to #nope, but" in problems and "b.md has no such heading" in problems
    assert "a.md:6: link to #nowhere, but this page has no such heading" in problems
    assert "a.md:6: link to c.md, which does not exist" in problems
    assert problems.count("a.md:6") == 3


def test_an_approximate_output_needs_a_reason_and_the_expected_output_marker(tmp_path):
    page = tmp_path / "a.md"
    block = "```python\nprint(0.5)\n```\n\n"
    page.write_text("# A\n\n" + block + '<!--output-approximate reason="training amplifies rounding"-->\n'
                    "<!--pytest-codeblocks:expected-output-->\n\n```text\n0.5\n```\n\n"
                    + block + '<!--output-approximate reason="short"-->\n<!--pytest-codeblocks:expected-output-->\n\n'
                    "```text\n0.5\n```\n\n" + block + '<!--output-approximate reason="training amplifies rounding"-->\n\n'
                    "```text\n0.5\n```\n")
    problems = checks.fence_problems(pages.read(page))
    assert len(problems) == 3, problems
    assert any(p.startswith(f"{display(page)}:18: `output-approximate") and "needs a reason" in p for p in problems)
    assert any(p.startswith(f"{display(page)}:29: `output-approximate` loosens") for p in problems)
    assert any(p.startswith(f"{display(page)}:31: this output") and "is not checked" in p for p in problems)
