"""The built site in a real browser (Chromium, driven by Playwright), as a reader meets it.

The site that `mkdocs build --strict` produced (`built_site`) is served over HTTP on 127.0.0.1
under the sub-path of its `site_url` (as GitHub Pages serves it), compressing text as such a
server does. Each test gets a fresh browser context (pytest-playwright's `page`), so every visit
is a cold one with an empty cache. On every page of both languages:

- nothing is requested from another host, nothing fails, the console logs no error;
- the page transfers at most 600 KB, search assets excluded (none is fetched before a search);
- every image loads and every figure is shown at >= 90% of its pixel width or opens enlarged;
- chapter pages typeset their math; zh pages have no space between two CJK characters or after
  full-width punctuation.

Then: search (Pagefind) in both languages, the language switch (same page, same section), and
the 404 pages. Without Chromium the tests are skipped locally and fail on CI (CI is set).

Each test is replayed while the built files it can fetch (the pages it opens, the theme's assets
and the figures: VISITED; search's index too) are byte for byte those of its last pass
(tests/conftest.py: replay_if_built_the_same), and it fails when it fetched anything else. A
replayed test opens no browser context.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from docbuild import chapters, downloads, pages

pytestmark = pytest.mark.recorded(reads="built")  # reads the built site: replayed while it is the same (tests/conftest.py)


LOCAL_HOST = "127.0.0.1"
TIMEOUT_MS = 15_000
MAX_PAGE_BYTES = 600_000
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SUB_PATH = urlsplit(downloads.configured_site_url()).path or "/"  # "/course/"
# Every page of the site: the home page and each other page of docs/en (its zh twin is checked by test_chapters).
PAGES = [""] + sorted(f"{p.stem}/" for p in (pages.ROOT / "docs" / "en").glob("*.md") if p.stem != "index")
ALL_PAGES = [prefix + page for page in PAGES for prefix in ("", "en/")]
CHAPTER_PAGES = {prefix + f"{c.slug}/" for c in chapters.written() for prefix in ("", "en/")}
# Queries whose right answer is known: (site language, query, chapter that must come first).
QUERIES = [("zh", "梯度下降", "03-gradient-descent"), ("zh", "反向传播", "04-back-propagation"),
           ("zh", "交叉熵", "09-softmax-classifier"), ("zh", "小批量", "03-gradient-descent"),
           ("zh", "优化器", "05-linear-regression"), ("en", "DataLoader", "08-dataset-and-dataloader"),
           ("en", "sigmoid", "06-logistic-regression"), ("en", "gradient descent", "03-gradient-descent")]
# What a visit of a page can fetch besides the page: the theme's assets and the figures (never
# search, downloads or another page); a visit that fetches anything else fails.
VISITED = ("assets", "figures", "en/figures")
SEARCH = "pagefind"  # what a search fetches besides that
_BAD_SPACE = re.compile(r"[\u3400-\u9fff] [\u3400-\u9fff]|[\u3000-\u303f\uff00-\uffef] ")


# --- the browser: pytest-playwright's fixtures, pointed at the system's Chromium ---------------


def _chromium_path() -> str | None:
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")


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


# --- the site over HTTP, under its sub-path, text compressed --------------------------------------


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the site at SUB_PATH; unknown paths get the site's 404 page with status 404."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def translate_path(self, path):
        path = unquote(urlsplit(path).path)
        if not path.startswith(SUB_PATH):
            return "/nonexistent"
        return super().translate_path("/" + path[len(SUB_PATH):])

    def send_head(self):
        target = self.translate_path(self.path)
        if os.path.isdir(target) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # redirect to the slash
        if os.path.isdir(target):
            target = os.path.join(target, "index.html")
        status = 200
        if not os.path.isfile(target):
            status, target = 404, os.path.join(self.directory, "404.html")
        body = Path(target).read_bytes()
        kind = self.guess_type(target)
        if kind.startswith(("text/", "application/javascript", "application/json", "image/svg")):
            body = gzip.compress(body, 6)
            encoded = True
        else:
            encoded = False
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if encoded:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="session")
def site_url(built_site):
    """URL of the built site (ending in '/'), served on 127.0.0.1 at a free port."""
    handler = functools.partial(_SiteHandler, directory=str(built_site.site))
    server = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Visit:
    """What a page asked for while it loaded: requests, failures, console errors, bytes."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.bytes = 0
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("response", self._response)

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url}: HTTP {response.status}")
        length = response.headers.get("content-length")
        self.bytes += int(length) if length else 0


@pytest.fixture
def visit(page):
    page.set_default_timeout(TIMEOUT_MS)
    return Visit(page)


@pytest.fixture
def browser_unless_replayed(request, built_site, replay_if_built_the_same):
    """Call it with the site paths a test opens (and extra folders it fetches from): the test
    ends there, replayed, when those files are the same as in its last pass; otherwise it gets
    a fresh page and its Visit, and fails in the end when the page fetched anything else."""
    opened: dict = {}

    def start(paths: list[str], folders: tuple[str, ...] = ()) -> tuple:
        read = _what_a_visit_reads(built_site.site, paths, folders)
        replay_if_built_the_same(read)
        opened["read"], opened["visit"] = read, request.getfixturevalue("visit")  # only for a test that runs
        return request.getfixturevalue("page"), opened["visit"]

    yield start
    if "visit" in opened:
        unkeyed = sorted({_served_file(built_site.site, u) for u in opened["visit"].requests
                          if urlsplit(u).hostname == LOCAL_HOST} - set(opened["read"]) - {None})
        assert not unkeyed, (f"{request.node.name} fetched files its record is not keyed on (add them to "
                             f"VISITED or SEARCH in tests/test_browser.py): {[str(f) for f in unkeyed]}")


def _open(page, url: str, status: int = 200):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, f"{url}: HTTP {response and response.status}"
    page.wait_for_load_state("networkidle")
    return response


_IMAGES = """async () => {
    document.querySelectorAll("article details").forEach(d => { d.open = true; });  // folded figures too
    const out = [];
    for (const img of Array.from(document.querySelectorAll("article img"))) {
        img.scrollIntoView({block: "center"});
        if (!img.complete) await new Promise(done => { img.onload = img.onerror = done; setTimeout(done, 10000); });
        out.push({src: img.getAttribute("src"), width: img.naturalWidth, shown: img.getBoundingClientRect().width,
                  zoom: !!img.closest("a.glightbox")});
    }
    return out;
}"""
_ARTICLE_TEXT = """() => {
    const article = document.querySelector("article").cloneNode(true);
    // code and math count as Latin text: "`faraway` 的" is spaced on purpose, "（ 的" would not be
    article.querySelectorAll("pre, script, .md-button, .headerlink").forEach(e => e.remove());
    article.querySelectorAll("code, math").forEach(e => e.replaceWith("X"));
    return article.innerText;
}"""


def _what_a_visit_reads(site: Path, paths: list[str], folders: tuple[str, ...] = ()) -> list[Path]:
    opened = [site / p if p.endswith(".html") else site / p / "index.html" for p in paths]
    return opened + [f for folder in VISITED + folders for f in (site / folder).rglob("*") if f.is_file()]


def _served_file(site: Path, url: str) -> Path | None:
    """The file of the site that `url` (on this host) was served from (None: a path outside it)."""
    path = unquote(urlsplit(url).path)
    if not path.startswith(SUB_PATH):
        return None
    served = site / path[len(SUB_PATH):]
    return served / "index.html" if served.is_dir() else served if served.is_file() else site / "404.html"


@pytest.mark.parametrize("path", ALL_PAGES)
def test_each_page_loads_light_and_clean(browser_unless_replayed, site_url, built_site, path):
    page, visit = browser_unless_replayed([path])
    _open(page, site_url + path)
    transferred = visit.bytes  # the cold load, before anything is scrolled into view
    images = page.evaluate(_IMAGES)
    page.wait_for_load_state("networkidle")
    offsite = [u for u in visit.requests if urlsplit(u).scheme not in ("data", "blob")
               and urlsplit(u).hostname != LOCAL_HOST]
    assert not offsite, f"{path}: requests to other hosts: {offsite}"
    assert not visit.failed, f"{path}: failed requests: {visit.failed}"
    assert not visit.errors, f"{path}: console errors: {visit.errors}"
    assert not any("/pagefind/" in u for u in visit.requests), f"{path}: search assets loaded before a search"
    assert transferred <= MAX_PAGE_BYTES, f"{path}: {transferred} bytes transferred cold (at most {MAX_PAGE_BYTES})"
    for img in images:
        assert img["width"] > 0, f"{path}: image {img['src']} did not load"
        if "figures/" in img["src"]:
            assert img["zoom"] or img["shown"] >= 0.9 * img["width"], (
                f"{path}: {img['src']} is shown at {img['shown']:.0f} of {img['width']} px and does not open enlarged")
    if path in CHAPTER_PAGES:
        assert any(img["src"] and "figures/" in img["src"] for img in images) or path.endswith("01-overview/")
        widths = page.eval_on_selector_all("math", "els => els.map(e => e.getBoundingClientRect().width)")
        assert widths and max(widths) > 0, f"{path}: math is not typeset"
    lang = page.locator("html").get_attribute("lang")
    assert lang == ("en" if path.startswith("en/") else "zh")
    if lang == "zh":
        text = page.evaluate(_ARTICLE_TEXT)
        bad = [text[max(0, m.start() - 10): m.end() + 10] for m in _BAD_SPACE.finditer(text)]
        assert not bad, f"{path}: spaces inside Chinese text: {bad[:5]}"


def _search(page, query: str) -> list[str]:
    page.click(".course-search-button")
    box = page.locator(".pagefind-ui__search-input")
    box.fill(query)
    page.wait_for_function("q => (document.querySelector('.pagefind-ui__message') || {}).innerText?.includes(q)",
                           arg=query)
    page.locator(".pagefind-ui__result").first.wait_for()
    page.wait_for_timeout(300)  # the list settles as later results arrive
    return page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_finds_the_right_chapter_first_in_the_readers_language(browser_unless_replayed, site_url, lang):
    prefix = "" if lang == "zh" else "en/"
    chapters_found = [prefix + f"{chapter}/" for query_lang, _, chapter in QUERIES if query_lang == lang]
    page, visit = browser_unless_replayed([prefix + "02-linear-model/", chapters_found[-1]], (SEARCH,))
    _open(page, site_url + prefix + "02-linear-model/")
    for query_lang, query, chapter in QUERIES:
        if query_lang != lang:
            continue
        page.keyboard.press("Escape")
        hits = _search(page, query)
        paths = [urlsplit(h).path for h in hits]
        assert paths and paths[0] == f"{SUB_PATH}{prefix}{chapter}/", f"{query!r}: results {paths[:5]}"
        other = [p for p in paths if p.startswith(f"{SUB_PATH}en/") != (lang == "en")]
        assert not other, f"{query!r} on the {lang} site returned pages of the other language: {other[:3]}"
    assert not visit.failed and not visit.errors, (visit.failed, visit.errors)
    # A result opens with the query highlighted as typed, not word by word.
    page.click(".pagefind-ui__result-link")  # the last query's chapter
    page.wait_for_load_state("load")
    marks = page.locator("article mark")
    marks.first.wait_for()
    if lang == "zh":  # the whole term, not "优" "化" "器" one by one
        assert marks.first.inner_text() == "优化器"


def test_language_switch_keeps_the_page_and_the_section(browser_unless_replayed, site_url):
    page, _ = browser_unless_replayed(["03-gradient-descent/", "en/03-gradient-descent/"])
    _open(page, site_url + "03-gradient-descent/")
    zh_id = page.locator(".md-content h2[id]").nth(1).get_attribute("id")
    page.evaluate("id => { location.hash = id; }", zh_id)  # the reader is reading that section
    page.locator(".md-header .md-select").first.hover()
    link = page.locator('.md-header a[hreflang="en"]')
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert urlsplit(page.url).path == f"{SUB_PATH}en/03-gradient-descent/"
    en_id = page.locator(".md-content h2[id]").nth(1).get_attribute("id")
    assert unquote(urlsplit(page.url).fragment) == en_id, f"landed on #{urlsplit(page.url).fragment}, wanted #{en_id}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_404_pages_exist_in_both_languages_and_lead_home(browser_unless_replayed, site_url, lang):
    prefix = "" if lang == "zh" else "en/"
    page, visit = browser_unless_replayed([prefix + "404.html", "404.html"])  # an unknown path gets the zh one
    _open(page, site_url + prefix + "404.html")
    assert page.locator("html").get_attribute("lang") == lang
    for other, root in (("zh", SUB_PATH), ("en", f"{SUB_PATH}en/")):
        href = page.locator(f'.md-header a[hreflang="{other}"]').get_attribute("href")
        assert urlsplit(href).path == root, f"{lang} 404: the {other} link leads to {href}"
    _open(page, site_url + "no/such/page/", status=404)
    assert not [f for f in visit.failed if "no/such/page" not in f], visit.failed
