"""End-to-end test of the built site in a real browser (Chromium, driven by Playwright).

The site that `mkdocs build --strict` produced (the `built_site` fixture) is served over HTTP
on 127.0.0.1, and one headless Chromium context visits it for the whole module:

- the Chinese chapter page loads, in Chinese, with its title;
- the language switcher leads zh -> en and back to the same chapter;
- Chinese search finds the chapter;
- every image on the chapter page (both languages) has loaded, and there are figures;
- the math is typeset (MathML rendered at build time, laid out by the browser);
- no page asks for anything from another host (the site works offline / behind firewalls);
- screenshots of both chapter pages land in pytest's tmp_path for debugging.

The browser comes from pytest-playwright's fixtures (`page`, one fresh context per test),
launched with the system's Chromium. Without Chromium the tests are skipped locally and fail
on CI (the environment variable CI is set): `bash scripts/test.sh` installs it.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# One worker builds the site and runs every test that reads it (pytest-xdist --dist loadgroup).
pytestmark = pytest.mark.xdist_group("site")

CHAPTER = "02-linear-model/"
# Every chapter page, in both languages, for the image and math checks.
CHAPTERS = sorted(p.stem + "/" for p in (Path(__file__).resolve().parents[1] / "docs" / "zh").glob("[0-9][0-9]-*.md"))
PAGES = [prefix + chapter for chapter in CHAPTERS for prefix in ("", "en/")]
ZH_TITLE = "线性模型"
EN_TITLE = "Linear Model"
SEARCH_TERM = "损失"
MIN_FIGURES = 2

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000
LOCAL_HOST = "127.0.0.1"


# --- the browser: pytest-playwright's fixtures, pointed at the system's Chromium ---------------


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the Debian Chromium (Playwright cannot download its own browsers here), or skip
    locally / fail on CI naming what is missing."""
    if _chromium_path() is None:
        what = "the Chromium browser (no /usr/bin/chromium, no `chromium` on PATH)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run on CI: missing {what}", pytrace=False)
        pytest.skip(f"browser tests need {what}: `sudo apt-get install chromium fonts-wqy-microhei`, "
                    "or run `bash scripts/test.sh`, which installs it")
    return {**browser_type_launch_args, "executable_path": _chromium_path(), "headless": True,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}


REQUESTS: list[str] = []  # every URL any page of this module asked for


@pytest.fixture(autouse=True)
def _record_requests(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.on("request", lambda request: REQUESTS.append(request.url))


# --- the site over HTTP -----------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """Base URL (ending in '/') of the built site, served on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site.site))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _open(page, url: str):
    """Go to `url`, assert HTTP 200 and wait until the page and its resources have loaded."""
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url}: HTTP {response.status}"
    return response


def _path(url: str) -> str:
    return urlsplit(url).path


def _h1(page) -> str:
    return page.locator("article h1, .md-content h1").first.inner_text()


# --- the tests ----------------------------------------------------------------------------------


def test_zh_chapter_page_loads_in_chinese_with_its_title(page, site_url):
    _open(page, site_url + CHAPTER)
    lang = page.locator("html").get_attribute("lang") or ""
    assert lang.startswith("zh"), f'<html lang="{lang}">, expected zh'
    assert ZH_TITLE in _h1(page)


def _switch_language(page, hreflang: str) -> None:
    """Follow the header's language selector to the `hreflang` version of the current page."""
    link = page.locator(f'.md-header a.md-select__link[hreflang="{hreflang}"]')
    assert link.count() == 1, f"no language-switcher link to {hreflang!r} in the header"
    page.locator(".md-header .md-select").hover()  # the list opens on hover/focus
    link.wait_for(state="visible")
    with page.expect_navigation(wait_until="load"):  # Material may resolve the link first
        link.click()


def test_language_switcher_leads_to_the_same_chapter_in_english_and_back(page, site_url):
    _open(page, site_url + CHAPTER)
    _switch_language(page, "en")
    assert _path(page.url) == _path(site_url + "en/" + CHAPTER)
    assert (page.locator("html").get_attribute("lang") or "").startswith("en")
    assert EN_TITLE in _h1(page)

    _switch_language(page, "zh")
    assert _path(page.url) == _path(site_url + CHAPTER)
    assert ZH_TITLE in _h1(page)


def _search(page, term: str) -> None:
    """Type `term` into Material's search box (opening it first where it is collapsed)."""
    toggle = page.locator('label.md-header__button[for="__search"]')  # narrow screens only
    if toggle.is_visible():
        toggle.click()
    query = page.locator("input.md-search__input")
    query.click()
    query.fill(term)
    query.press("End")  # Material searches on keyup; fill() sends no key events


def test_chinese_search_finds_the_chapter(page, site_url):
    _open(page, site_url)
    _search(page, SEARCH_TERM)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(state="visible")
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a[href]", "links => links.map(a => a.href)"
    )
    wanted = _path(site_url + CHAPTER)
    assert any(_path(href) == wanted for href in hrefs), (
        f"searching {SEARCH_TERM!r} found no link to {wanted}; results: {hrefs}"
    )


_LOAD_ALL_IMAGES = """async () => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    const images = Array.from(document.images);
    for (const img of images) {  // lazy images load once they come near the viewport
        img.scrollIntoView({block: "center"});
        if (!img.complete) {
            await new Promise(done => {
                img.addEventListener("load", done, {once: true});
                img.addEventListener("error", done, {once: true});
                setTimeout(done, 10000);
            });
        }
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
    return images.map(img => ({
        src: img.currentSrc || img.src || img.getAttribute("src"),
        complete: img.complete,
        width: img.naturalWidth,
    }));
}"""


@pytest.mark.parametrize("chapter", PAGES)
def test_every_image_on_each_chapter_page_loads(page, site_url, chapter):
    _open(page, site_url + chapter)
    images = page.evaluate(_LOAD_ALL_IMAGES)
    broken = [img["src"] for img in images if not (img["complete"] and img["width"] > 0)]
    assert not broken, f"images that did not load on {chapter}: {broken}"
    assert len(images) >= MIN_FIGURES, (
        f"{chapter} shows {len(images)} image(s), expected at least {MIN_FIGURES} figures"
    )


@pytest.mark.parametrize("chapter", PAGES)
def test_math_on_each_chapter_page_is_typeset(page, site_url, chapter):
    _open(page, site_url + chapter)
    widths = page.eval_on_selector_all(
        "math", "els => els.map(el => el.getBoundingClientRect().width)"
    )
    assert widths, f"{chapter} contains no <math> element"
    assert any(w > 0 for w in widths), f"no <math> element is laid out (widths {widths})"


def test_pages_request_nothing_from_other_hosts(page, site_url):
    # Visit everything the other tests visit (they may have been deselected), then check every
    # request this browser context has seen during the whole module.
    for url in (site_url, site_url + CHAPTER, site_url + "en/", site_url + "en/" + CHAPTER):
        _open(page, url)
        page.evaluate(_LOAD_ALL_IMAGES)
    _search(page, SEARCH_TERM)
    page.wait_for_load_state("networkidle")

    assert REQUESTS, "no request was recorded"
    offending = sorted(
        {
            url
            for url in REQUESTS
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != LOCAL_HOST
        }
    )
    assert not offending, f"requests to hosts other than {LOCAL_HOST}: {offending}"


def test_screenshots_of_the_chapter_page_in_both_languages(page, site_url, tmp_path):
    shots = []
    for lang_prefix, name in (("", "chapter-zh.png"), ("en/", "chapter-en.png")):
        _open(page, site_url + lang_prefix + CHAPTER)
        page.evaluate(_LOAD_ALL_IMAGES)
        page.evaluate("window.scrollTo(0, 0)")
        shot = tmp_path / name
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0
        shots.append(shot)
    print("screenshots:", *shots)
