"""The built site: strict build, both languages, offline pages, search index per language, caching."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import build_site
from docbuild import cache, chapters, checks, downloads, outputs, pages, program, wheel
from docbuild.pages import LANGUAGES

# The workers share one site, built once per run (conftest.py: built_site).
pytestmark = pytest.mark.recorded  # reads the built site: replayed while nothing changed (tests/conftest.py)

CHAPTERS = [c.slug for c in chapters.written()]


def _page(site: Path, lang: str, slug: str) -> Path:
    return site / ("" if lang == "zh" else "en") / slug / "index.html"


class _Resources(HTMLParser):
    """URLs a browser would fetch while loading the page (not plain links)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in {"alternate", "canonical"}:
            self.urls.append(attrs["href"])
        if attrs.get("style"):
            self.urls.extend(re.findall(r"url\(['\"]?([^'\")]+)", attrs["style"]))


def test_every_chapter_is_built_in_both_languages(built_site):
    assert CHAPTERS, "no chapter pages found"
    for slug in CHAPTERS:
        for lang in LANGUAGES:
            page = _page(built_site.site, lang, slug)
            assert page.is_file(), f"{slug}: missing {lang} page"
            assert f'<html lang="{lang}' in page.read_text(encoding="utf-8")


def test_pages_load_nothing_from_other_hosts(built_site):
    offenders = []
    for html in built_site.site.rglob("*.html"):
        parser = _Resources()
        parser.feed(html.read_text(encoding="utf-8"))
        offenders += [f"{html.relative_to(built_site.site)}: {u}" for u in parser.urls
                      if urlparse(u).scheme in {"http", "https"} or u.startswith("//")]
    for css in built_site.site.rglob("*.css"):
        offenders += [f"{css.name}: {u}" for u in re.findall(r"url\(['\"]?((?:https?:)?//[^'\")]+)", css.read_text())]
    assert not offenders, "third-party requests:\n" + "\n".join(offenders[:20])


def test_math_is_rendered_at_build_time(built_site):
    html = _page(built_site.site, "zh", "02-linear-model").read_text(encoding="utf-8")
    assert "<math" in html and 'class="arithmatex"' not in html
    assert "mathjax" not in html.lower() and "katex" not in html.lower()


def test_search_index_is_pagefinds_split_by_language(built_site):
    bundle = built_site.site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == set(LANGUAGES), f"Pagefind indexed the languages {sorted(entry['languages'])}"
    for lang in LANGUAGES:  # every page of each language is in its own index
        expected = len(list((pages.DOCS / lang).glob("*.md")))  # every page of the language, not its 404
        assert entry["languages"][lang]["page_count"] == expected, f"{lang}: {entry['languages'][lang]}"
    assert not (built_site.site / "search" / "search_index.json").exists(), "Material's merged index is back"


def test_figures_are_built_for_each_language(built_site):
    for lang in LANGUAGES:
        html = _page(built_site.site, lang, "02-linear-model").read_text(encoding="utf-8")
        sources = re.findall(r'<img[^>]+src="([^"]*figures/[^"]+\.png)"', html)
        assert len(sources) >= 2, f"{lang}: the chapter shows fewer than 2 figures"
        for src in sources:
            image = (_page(built_site.site, lang, "02-linear-model").parent / src).resolve()
            assert image.read_bytes().startswith(b"\x89PNG"), src


def test_every_chapter_page_offers_its_notebook_script_and_the_wheel(built_site):
    for chapter in chapters.written():
        for lang in LANGUAGES:
            page = _page(built_site.site, lang, chapter.slug)
            html = page.read_text(encoding="utf-8")
            wanted = [downloads.name(chapter, lang, ".ipynb"), downloads.name(chapter, lang, ".py"), wheel.filename()]
            for name in wanted:
                link = re.search(rf'download="{re.escape(name)}" href="([^"]+)"', html)
                assert link, f"{lang}/{chapter.slug}: no download button for {name}"
                assert (page.parent / link[1]).resolve().is_file(), f"{lang}/{chapter.slug}: {link[1]} is not served"
            nb = json.loads((built_site.site / ("" if lang == "zh" else "en") / "downloads" / wanted[0]).read_text())
            code = [c for c in nb["cells"] if c["cell_type"] == "code"]
            assert code and not any(o["output_type"] == "error" for c in code for o in c["outputs"])


def test_notebook_outputs_are_the_verified_outputs_of_the_page(built_site):
    """Every output a page shows and the harness verifies is what the notebook cell printed."""
    for chapter in chapters.written():
        for lang in LANGUAGES:
            page = pages.read(pages.DOCS / lang / chapter.page)
            expanded = pages.read(page.path, program.expand(page.path, lang).text)
            shown = {before.line: after for before, after in expanded.outputs()
                     if after.marker("pytest-codeblocks:expected-output")}
            blocks = [b for b in expanded.fences if b.is_python and not b.in_solution and not program.skip_reason(b)]
            nb = json.loads((built_site.site / ("" if lang == "zh" else "en") / "downloads"
                             / downloads.name(chapter, lang, ".ipynb")).read_text())
            cells = [c for c in nb["cells"] if c["cell_type"] == "code" and c["source"] != downloads.TEXT[lang]["your_code"].rstrip()]
            assert len(cells) == len(blocks), f"{lang}/{chapter.page}: notebook and page differ in code cells"
            for block, cell in zip(blocks, cells):
                if block.line in shown:
                    printed = "".join(o.get("text", "") for o in cell["outputs"] if o.get("name") == "stdout")
                    assert outputs.matches(shown[block.line], printed), (
                        f"{lang}/{chapter.page}:{block.line}: notebook output differs:\n{printed}")


def test_api_reference_in_both_languages(built_site):
    for lang in LANGUAGES:
        html = _page(built_site.site, lang, "api").read_text(encoding="utf-8")
        assert "snippets.linear_model" in html and "exhaustive_search" in html
    en = _page(built_site.site, "en", "api").read_text(encoding="utf-8")
    assert "参数" not in en  # mkdocstrings section titles follow the page language


def _trained_or_executed(log: str) -> bool:
    return "building" in log or "executing" in log  # what the figure and notebook builders log


def test_no_change_rebuild_retrains_and_executes_nothing(built_site, tmp_path):
    """A build after a successful one, nothing changed in between, trains and executes nothing.
    The session's build is such a rebuild when it trained nothing itself (a warm cache); when it
    did train (a cold cache, or an edit since the last build), the test builds once more."""
    log = built_site.log
    if _trained_or_executed(log):
        log = build_site(tmp_path / "site").log
    assert not _trained_or_executed(log), log


def test_every_figure_is_localised(built_site):
    """Each figure exists once per language, and the two images differ (their labels do)."""
    zh = {p.name for p in (built_site.site / "figures").glob("*.png")}
    en = {p.name for p in (built_site.site / "en" / "figures").glob("*.png")}
    assert zh and zh == en
    same = [n for n in zh if (built_site.site / "figures" / n).read_bytes()
            == (built_site.site / "en" / "figures" / n).read_bytes()]
    assert not same, f"figures identical in both languages (labels not localised?): {same}"


def test_every_image_of_the_site_is_a_complete_png(built_site):
    images = list(built_site.site.rglob("*.png"))
    assert len(images) >= 2 * 30
    broken = [str(p.relative_to(built_site.site)) for p in images if not cache.is_valid_png(p)]
    assert not broken, f"damaged images published: {broken}"


def test_the_link_checker_computes_the_anchors_mkdocs_builds(built_site):
    """docbuild.checks.anchors is what the page guard trusts; it must agree with the real ids."""
    for page in pages.pages():
        if page.name in {"api.md"} or not page.name.endswith(".md"):
            continue
        slug = page.name.removesuffix(".md").removesuffix("index")
        html = _page(built_site.site, page.lang, slug.rstrip("/")) if slug else (
            built_site.site / ("" if page.lang == "zh" else "en") / "index.html")
        ids = set(re.findall(r'id="([^"]+)"', html.read_text(encoding="utf-8")))
        missing = checks.anchors(page) - ids
        assert not missing, f"{page.path}: anchors the checker expects but the build lacks: {missing}"
