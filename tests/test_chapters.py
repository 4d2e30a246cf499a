"""The chapter table (docbuild.chapters) holds against everything that repeats its facts."""

from __future__ import annotations

import re

import pytest
import yaml

from docbuild import chapters, figures, pages
from docbuild.pages import DOCS, LANGUAGES
from docbuild.settings import ROOT

WRITTEN = chapters.written()


def _nav() -> list[str]:
    """Every page in mkdocs.yml's nav, in order."""
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # !relative, !!python/...
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    found = []

    def walk(entry):
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict):
            for value in entry.values():
                walk(value)
        elif isinstance(entry, list):
            for item in entry:
                walk(item)

    walk(config["nav"])
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_written_chapter_has_its_page_and_title(lang):
    for chapter in WRITTEN:
        page = DOCS / lang / chapter.page
        assert page.is_file(), f"{chapter.slug}: no page docs/{lang}/{chapter.page}"
        first = page.read_text(encoding="utf-8").splitlines()[0]
        expected = f"# {chapter.number:02d} {chapter.title(lang)}"
        assert first == expected, f"docs/{lang}/{chapter.page}:1: title {first!r}, the chapter table says {expected!r}"


def test_chapter_pages_are_exactly_the_table():
    on_disk = {p.name for p in (DOCS / "en").glob("[0-9][0-9]-*.md")}
    assert on_disk == {c.page for c in WRITTEN}, (
        "pages and scripts/docbuild/chapters.py disagree: add the chapter to CHAPTERS or remove the page")


def test_nav_lists_every_page_once_and_chapters_in_order():
    nav = _nav()
    assert len(nav) == len(set(nav)), f"a page is in the nav twice: {nav}"
    listed = [n for n in nav if re.match(r"\d\d-", n)]
    assert listed == [c.page for c in WRITTEN], f"mkdocs.yml nav lists {listed}"
    for page in pages.pages("en"):
        assert page.name in nav, f"docs/en/{page.name} is in no nav entry of mkdocs.yml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_table_lists_every_chapter_with_its_title(lang):
    text = (DOCS / lang / "index.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\(([^)]+)\)", text, re.M)
    assert [(int(n), title, link) for n, title, link in rows] == [
        (c.number, c.title(lang), c.page) for c in WRITTEN
    ], f"docs/{lang}/index.md: the chapter table differs from scripts/docbuild/chapters.py"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_course_map_lists_all_lectures_and_links_the_written_ones(lang):
    """Chapter 01's map of the course: every lecture, in order, a link for each chapter that exists."""
    text = (DOCS / lang / "01-overview.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\d\d)\s*\|\s*(\[[^\]]+\]\([^)]+\)|[^|]+?)\s*\|", text, re.M)
    assert [int(n) for n, _ in rows] == [c.number for c in chapters.CHAPTERS], f"docs/{lang}/01-overview.md: course map"
    for (_, cell), chapter in zip(rows, chapters.CHAPTERS):
        linked = chapter.written and chapter.number != 1
        assert (cell == f"[{chapter.title(lang)}]({chapter.page})") if linked else ("](" not in cell), (
            f"docs/{lang}/01-overview.md: the row of lecture {chapter.number:02d} should "
            + ("link its page" if linked else "not link a page that does not exist yet"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_api_reference_documents_every_snippets_module(lang):
    text = (DOCS / lang / "api.md").read_text(encoding="utf-8")
    listed = re.findall(r"^::: snippets\.(\w+)", text, re.M)
    modules = sorted(p.stem for p in (ROOT / "snippets").glob("*.py") if p.stem != "__init__")
    assert sorted(listed) == modules, f"docs/{lang}/api.md lists {listed}; snippets/ has {modules}"
    assert {c.module for c in WRITTEN if c.module} | set(chapters.SHARED_MODULES) == set(modules)


def test_every_module_has_its_test_module():
    for module in [c.module for c in WRITTEN if c.module] + list(chapters.SHARED_MODULES):
        assert (ROOT / "tests" / f"test_{module}.py").is_file(), f"snippets/{module}.py has no tests/test_{module}.py"


def test_figure_modules_belong_to_chapters_and_pages_show_their_own_figures():
    by_tag = {c.tag: c for c in WRITTEN}
    for path in figures.figure_modules():
        chapter = by_tag.get(figures.tag(path))
        assert chapter is not None and path == chapter.figure_module, (
            f"{path.name}: a figure module is named ch<NN>_<the chapter's snippets module>.py")
        ids = {figures.figure_id(path, f.name) for f in figures.load_figures(path)}
        for lang in LANGUAGES:
            shown = set(re.findall(r"figures/(ch\d\d-[\w-]+)\.png", (DOCS / lang / chapter.page).read_text()))
            assert shown <= ids, f"docs/{lang}/{chapter.page} shows figures of other chapters: {shown - ids}"
            assert ids <= shown, f"docs/{lang}/{chapter.page} does not show {sorted(ids - shown)}"
