"""What the built pages get on top of Material: search, the language switch, error pages.

- **Search** is Pagefind's (`index_site`, run once after both languages are built): it splits
  the index by `<html lang>` and segments Chinese, and `docs/assets/course.js` fetches it only
  when a reader searches. Material's own search plugin is off (its one merged index of both
  languages weighed more than the rest of a page, and matched Chinese by single characters).
- **Language switch**: each page carries the anchors of its twin page, section by section
  (`twins_script`), so that switching language keeps the reader's place. Material would also
  fetch `sitemap.xml` next to every `<link rel="alternate">`, which i18n points at pages, not
  at language roots: two 404s per page; the links go (`without_alternate_links`), the
  language menu stays.
- **404 pages**: one per language (`not_found_page`), whose language menu leads to the other
  language's home page.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from docbuild import checks, pages
from docbuild.pages import LANGUAGES

# Not worth indexing: permalink signs, the edit/download buttons, the code-comment toggles.
PAGEFIND_EXCLUDE = ".headerlink, .md-content__button, .md-button, .md-source-file"


class SearchIndexError(RuntimeError):
    """Pagefind failed; the message has its output."""


def index_site(site_dir: Path) -> str:
    """Build the search index of the whole site (both languages) into site_dir/pagefind/."""
    done = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", "**/index.html", "--root-selector", "article",
         "--exclude-selectors", PAGEFIND_EXCLUDE, "--quiet"],
        capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed on {site_dir}:\n{done.stdout}{done.stderr}")
    return done.stdout


def twins_script(path: Path, lang: str) -> str:
    """`<script id="course-twins">`: for each other language, this page's heading ids mapped to
    the ids of the same headings on its twin (zh/en pages have the same headings in order)."""
    page = pages.read(path)
    own = checks.heading_ids(page)
    twins = {}
    for other in LANGUAGES:
        twin = pages.twin(page, other)
        if other != lang and twin.is_file():
            twins[other] = dict(zip(own, checks.heading_ids(pages.read(twin))))
    data = json.dumps(twins, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="course-twins">{data}</script>'


_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def without_alternate_links(html: str) -> str:
    return _ALTERNATE.sub("", html)


def language_roots(site_url: str) -> dict[str, str]:
    """The home page of each language, as a path from the server's root (works under a sub-path)."""
    base = "/" + re.sub(r"^[a-z]+://[^/]+/?", "", site_url or "").strip("/")
    base = base.rstrip("/") + "/"
    return {lang: base if lang == "zh" else f"{base}{lang}/" for lang in LANGUAGES}


def marked_outputs(markdown: str, path: Path) -> str:
    """What a block printed (the ```text fence after a ```python one) gets the class
    `course-output`, so that it looks like output, not like code to copy."""
    page = pages.read(path, markdown)
    lines = markdown.split("\n")
    for _, output in page.outputs():
        lines[output.line - 1] = f"{output.indent}{output.mark}{{.text .course-output}}"
    return "\n".join(lines)


_SPHINX_ROLE = re.compile(r":(?:class|func|meth|mod|attr|obj|data|exc):(?=<code>)")


def without_sphinx_roles(html: str) -> str:
    """The API reference renders numpy-style docstrings as Markdown, where Sphinx's
    :class:`torch.device` stays literal text before the code: keep the code."""
    return _SPHINX_ROLE.sub("", html)


_FIGURE = re.compile(r'<img (alt="[^"]*" )?src="(?P<src>(?:\.\./)*figures/(?P<name>[\w.-]+\.png))"')


def sized_lazy_figures(html: str, figures_dir: Path) -> str:
    """Figures load when they come near the viewport (a cold visit fetches only what it shows),
    with their pixel size, so that the page does not jump as they arrive."""

    def size(match: re.Match) -> str:
        png = figures_dir / match["name"]
        head = png.read_bytes()[:24] if png.is_file() else b""
        dims = ""
        if head[12:16] == b"IHDR":
            dims = f' width="{int.from_bytes(head[16:20], "big")}" height="{int.from_bytes(head[20:24], "big")}"'
        return f'{match[0]} loading="lazy"{dims}'

    return _FIGURE.sub(size, html)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def translated_summaries(html: str, lang: str) -> str:
    """The API reference of a translated page: each docstring's summary line in the page's
    language, from the catalogues that translate the same lines as comments on the chapter
    pages (`docs/<lang>/code-comments/`). The details stay in English, as in the code."""
    import html as markup

    from docbuild import includes

    table = {}
    for module in sorted((pages.ROOT / "snippets").glob("*.py")):
        table.update(includes.catalogue(lang, f"snippets/{module.name}"))
    if not table:
        return html

    def translate(match: re.Match) -> str:
        text = markup.unescape(re.sub(r"</?code>", "`", match[1])).strip()
        if text not in table:
            return match[0]
        translated = markup.escape(table[text], quote=False)
        return "<p>" + re.sub(r"`([^`]+)`", r"<code>\1</code>", translated) + "</p>"

    return _PARAGRAPH.sub(translate, html)


PER_LANGUAGE_TEMPLATES = ("404.html", "sitemap.xml")


def write_per_language_templates(site_dir: Path, rendered: dict[tuple[str, str], str]) -> None:
    """`404.html` and `sitemap.xml` of each language into its own folder (zh at the root)."""
    for (lang, name), output in rendered.items():
        folder = site_dir if lang == "zh" else site_dir / lang
        (folder / name).write_text(output, encoding="utf-8")
        if name == "sitemap.xml":
            (folder / "sitemap.xml.gz").unlink(missing_ok=True)  # MkDocs' copy, of the last language


def not_found_page(html: str, site_url: str) -> str:
    """A 404 page's language menu points at whatever page was rendered last; lead it home."""
    roots = language_roots(site_url)
    html = without_alternate_links(html)
    return re.sub(r'<a href="[^"]*" hreflang="(\w+)"',
                  lambda m: f'<a href="{roots.get(m[1], roots["zh"])}" hreflang="{m[1]}"', html)


# --- "verified with" and "further reading", under and at the end of every chapter --------------

TEXT = {
    "zh": {"verified": "本页代码在 {versions} 上运行并核对了输出（{date}）。",
           "reading": "延伸阅读", "video": "课程视频：第 {number} 讲（哔哩哔哩）",
           "d2l": "《动手学深度学习》的对应章节", "api": "本页用到的 PyTorch API："},
    "en": {"verified": "The code on this page was run and its outputs checked with {versions} ({date}).",
           "reading": "Further reading", "video": "The lecture's video: lecture {number} (Bilibili)",
           "d2l": "The matching section of Dive into Deep Learning", "api": "PyTorch API used on this page:"},
}
_DOCS = "https://docs.pytorch.org/docs/stable/"


def torch_api(code: list[str]) -> list[str]:
    """The public names of the torch classes and functions a program uses, in order of first use
    (`nn.Linear` is `torch.nn.Linear`; methods of tensors are left out)."""
    import ast
    import importlib

    tree = ast.Module(body=[], type_ignores=[])
    for block in code:
        try:
            tree.body.extend(ast.parse(block).body)
        except SyntaxError:
            continue  # a block that is not Python on its own (none should be) adds no names
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "torch":
                    aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "torch":
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"

    def dotted(node) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    found: list[str] = []
    for node in calls:
        name = dotted(node.func)
        if name and name not in found:
            found.append(name)

    def documented(name: str) -> bool:
        module, _, attr = name.rpartition(".")
        try:
            obj = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError, ValueError):
            return False
        return callable(obj) and not attr.startswith("_")

    return [n for n in found if documented(n)]


def api_url(name: str) -> str:
    if name.startswith("torch.utils.data."):
        return f"{_DOCS}data.html#{name}"
    return f"{_DOCS}generated/{name}.html"


def verified_line(lang: str, source: Path) -> str:
    """Which PyTorch (NumPy, Matplotlib) ran the page's code, and when the page last changed (its
    last commit): read from the build's own environment, never written into a page."""
    import datetime
    from importlib import metadata

    done = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(source)], capture_output=True,
                          text=True, cwd=pages.ROOT)
    date = done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else datetime.date.today().isoformat()
    named = [f"{name} {metadata.version(dist).split('+')[0]}"
             for name, dist in (("PyTorch", "torch"), ("NumPy", "numpy"), ("Matplotlib", "matplotlib"))]
    versions = "、".join(named[:-1]) + " 和 " + named[-1] if lang == "zh" else ", ".join(named[:-1]) + " and " + named[-1]
    return TEXT[lang]["verified"].format(versions=versions, date=date)


def further_reading(chapter, lang: str, code: list[str]) -> str:
    """An admonition with the lecture's video, the matching d2l section and the PyTorch API docs
    of the functions the page calls."""
    from docbuild import chapters

    text = TEXT[lang]
    items = [f"- [{text['video'].format(number=chapter.number)}]({chapters.VIDEO.format(number=chapter.number)})"]
    if chapter.number in chapters.D2L:
        items.append(f"- [{text['d2l']}]({chapters.D2L[chapter.number][0 if lang == 'zh' else 1]})")
    names = torch_api(code)
    if names:
        space = "" if lang == "zh" else " "  # no space after a full-width colon
        items.append(f"- {text['api']}{space}" + ", ".join(f"[`{n}`]({api_url(n)})" for n in names))
    body = "\n".join(f"    {item}" for item in items)
    return f'\n\n!!! info "{text["reading"]}"\n\n{body}\n'
