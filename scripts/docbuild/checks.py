"""Guards on the pages: each problem is one line, `file:line: what is wrong and what to do`.

The tests in tests/test_pages.py run them on every page; tests/test_careless_edits.py applies
the edits a careless contributor makes to a copy of the project and checks that each one is
caught here (or by the harness, the site build or the figure builder).
"""

from __future__ import annotations

import re
from collections import Counter

from docbuild import includes, outputs, pages, program, sync
from docbuild.pages import DOCS, LANGUAGES, SOURCE_LANGUAGE, Fence, Page, display

PYTHON_LIKE = re.compile(r"^\{?\.?(py|py3|python|python3|pycon|ipython|ipython3)\b", re.I)
SHELL = {"sh", "bash", "zsh", "shell-session"}
OUTPUT_INFOS = {"", "text", "output"}
EXPECTED = "pytest-codeblocks:expected-output"
MIN_REASON = 15  # characters: "needs a GPU" is too short to tell a reader anything


def _reason(marker_text: str) -> str | None:
    found = re.search(r"reason\s*=\s*(['\"])(?P<why>.*?)\1", marker_text)
    return found["why"].strip() if found else None


# --- code blocks and markers --------------------------------------------------------------------


def marker_problems(fence: Fence) -> list[str]:
    found = []
    for m in fence.markers:
        where = f"{display(fence.path)}:{m.line}"
        text = m.text
        if text in (EXPECTED, EXPECTED + "-ignore-whitespace"):
            continue
        if text.startswith(("pytest.mark.skip(", "output-unchecked", outputs.APPROXIMATE)):
            why = _reason(text)
            if not why or len(why) < MIN_REASON:
                found.append(f'{where}: `{text}` needs a reason a reader would accept (reason="...", '
                             f"at least {MIN_REASON} characters): why can this not run or be checked here?")
            continue
        if text.startswith("pytest-codeblocks:skipfile"):
            continue  # reported for the whole page below
        if text.startswith("pytest-codeblocks:cont"):
            found.append(f"{where}: `{text}` is not needed: the blocks of a page already run as one program")
        else:
            found.append(f"{where}: marker `{text}` is not allowed. Skip a block only with "
                         '<!--pytest.mark.skip(reason="...")-->; to show an error, catch it in the block '
                         "and print it")
    return found


def fence_problems(page: Page) -> list[str]:
    found = []
    for f in page.fences:
        bare = f.info.strip()
        if PYTHON_LIKE.match(bare) and not f.is_python:
            found.append(f"{f.where}: fence {f.mark}{f.info} is skipped silently by pytest-codeblocks; "
                         "write exactly ```python (no space, title or options)")
        if bare.split(" ")[0] in SHELL:
            found.append(f"{f.where}: ```{bare} blocks would be executed as shell scripts; show commands "
                         "in ```console")
        found += marker_problems(f)
        found += [f"{display(f.path)}:{n}: line is less indented than its fence (line {f.line}); "
                  "it breaks the page but not the test" for n in f.dedent_lines]
        found += _include_problems(f, page.lang)
    for fence, output in page.outputs():
        if not any(m.text.startswith((EXPECTED, "output-unchecked")) for m in output.markers):
            found.append(f"{output.where}: this output of the block at line {fence.line} is not checked: put "
                         f"<!--{EXPECTED}--> above it (or <!--output-unchecked reason=\"...\"-->)")
    for f in page.fences:
        approximate = f.marker(outputs.APPROXIMATE)
        if approximate and not f.marker(EXPECTED):
            found.append(f"{display(page.path)}:{approximate.line}: `{outputs.APPROXIMATE}` loosens the check of "
                         f"an output: it belongs with <!--{EXPECTED}--> above the output fence")
        for m in f.markers:
            if m.text.startswith(EXPECTED) and not any(o is f for _, o in page.outputs()):
                found.append(f"{display(page.path)}:{m.line}: `{m.text}` must stand between a ```python "
                             "block and the output fence right after it")
    fenced = page.fenced_lines()
    attached = {m.line for f in page.fences for m in f.markers}
    for number, line in enumerate(page.lines, start=1):
        if number in fenced:
            continue
        if "pytest-codeblocks:skipfile" in line:
            found.append(f"{display(page.path)}:{number}: `skipfile` would stop testing the whole page; remove it")
        elif re.match(r"^\s*<!--\s*(pytest|output-)", line) and number not in attached:
            found.append(f"{display(page.path)}:{number}: this marker is not directly above a fence, so it "
                         "does nothing; move it above the block (blank lines may separate them)")
        if pages.INCLUDE_LIKE.match(line):
            found.append(f"{display(page.path)}:{number}: `--8<--` outside a ```python block")
    return found


def _include_problems(f: Fence, lang: str) -> list[str]:
    """An include is the whole of a ```python block, comes from snippets/ and resolves."""
    if not any(pages.INCLUDE_LIKE.match(ln) for ln in f.body.splitlines()):
        return []
    if not f.is_python or not f.includes:
        return [f"{f.where}: an include must be the only content of a ```python block"]
    found = []
    for match in f.includes:
        if not match["path"].startswith("snippets/"):
            found.append(f"{f.where}: includes may only come from snippets/, not {match['path']}")
            continue
        try:
            includes.render(match["path"], match["section"], lang)
        except includes.IncludeError as err:
            found.append(f"{f.where}: {err}")
    return found


# --- links and anchors --------------------------------------------------------------------------

_LINK = re.compile(r"(?<!!)\[(?:[^\]\[]|\[[^\]]*\])*\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(?P<text>.*?)(?:\s*\{(?P<attrs>[^}]*)\})?\s*#*\s*$")


def heading_ids(page: Page) -> list[str]:
    """The ids MkDocs gives the page's headings, in page order (toc's slugify and de-duplication,
    or an explicit `{#id}`)."""
    from markdown.extensions.toc import unique
    from pymdownx.slugs import slugify

    slug = slugify(case="lower")
    found: list[str] = []
    fenced = page.fenced_lines()
    for number, line in enumerate(page.lines, start=1):
        m = _HEADING.match(line) if number not in fenced else None
        if not m:
            continue
        explicit = re.search(r"#([\w-]+)", m["attrs"] or "")
        if explicit:
            found.append(explicit[1])
            continue
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m["text"])  # a link's text only
        text = re.sub(r"<[^>]+>|[`*]", "", text)
        found.append(unique(slug(text, "-"), set(found)))
    return found


def anchors(page: Page) -> set[str]:
    """Every id a link into the page may name: its headings' and its `<a id>`s."""
    found = set(heading_ids(page))
    found.update(re.findall(r'<a [^>]*(?:id|name)="([^"]+)"', "\n".join(page.lines)))
    return found


def link_problems(page: Page) -> list[str]:
    """Links to pages that do not exist, and to anchors that the target page does not have."""
    found = []
    for number, line in page.prose():
        for m in _LINK.finditer(re.sub(r"`[^`]*`", "", line)):
            target = m["target"]
            if re.match(r"^[a-z]+:", target) or target.startswith("//"):
                continue  # another site: not checked offline
            path, _, anchor = target.partition("#")
            where = f"{display(page.path)}:{number}"
            if path:
                dest = (page.path.parent / path).resolve()
                if path.endswith(".md") and not dest.is_file():
                    found.append(f"{where}: link to {path}, which does not exist")
                    continue
                if not path.endswith(".md"):
                    continue  # figures and notebooks are made by the build
            else:
                dest = page.path
            if anchor and anchor not in anchors(pages.read(dest)):
                which = "this page" if dest == page.path else display(dest)
                found.append(f"{where}: link to #{anchor}, but {which} has no such heading or anchor")
    return found


# --- the two languages --------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _plain(text: str) -> str:
    """Prose without inline code, math, links' targets, HTML tags and attribute lists."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\{[:#.][^}]*\}", " ", text)
    return text


def paragraphs(page: Page) -> list[tuple[int, str]]:
    """(first line, text) of each run of prose lines."""
    out: list[tuple[int, str]] = []
    start, chunk, last = None, [], -1
    for number, text in page.prose():
        if not text.strip() or number != last + 1:
            if chunk:
                out.append((start, " ".join(chunk)))
            start, chunk = None, []
        if text.strip():
            start = start or number
            chunk.append(text.strip())
        last = number
    if chunk:
        out.append((start, " ".join(chunk)))
    return out


# A line of a block that ends the block or starts a new one: a soft break before it is not one.
_BLOCK_START = re.compile(r"^\s*(?:[-*+] |\d+\. |\||#|!!!|\?\?\?|===|<|\$\$|```|~~~|\*[^*]|!\[|$)")
_WIDE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")  # CJK and full-width punctuation


def soft_break_problems(page: Page) -> list[str]:
    """In Chinese prose a line break inside a paragraph renders as a space ("编排， 由"): write
    each paragraph of a zh page on one line."""
    if page.lang != "zh":
        return []
    prose = dict(page.prose())
    found = []
    for number, text in prose.items():
        following = prose.get(number + 1)
        if (following is None or not text.strip() or _BLOCK_START.match(following)
                or re.match(r"^\s*(?:\||#|!!!|\?\?\?|===|<)", text)):
            continue
        if _WIDE.search(text.rstrip()[-1:]) or _WIDE.match(following.strip()[:1]):
            found.append(f"{display(page.path)}:{number}: a line break inside a Chinese paragraph shows as a "
                         "space: join this line and the next")
    return found


_SPACE_IN_CHINESE = re.compile(r"(?:[\u3400-\u9fff](?:\*{1,2})? +(?:\*{1,2})?[\u3400-\u9fff])"
                               r"|(?:[\u3000-\u303f\uff00-\uffef](?:\*{1,2})? +)")


def spacing_problems(page: Page) -> list[str]:
    """Chinese text has no space between two Chinese characters or after full-width punctuation
    (“。 先” shows a gap no Chinese reader expects). Code, math and Latin words keep theirs."""
    if page.lang != "zh":
        return []
    found = []
    for number, text in page.prose():
        body = re.sub(r"^\s*(?:[-*+]|\d+\.|\|)\s+", "", text)  # a list marker's space is not prose
        plain = re.sub(r"`[^`]*`|\$[^$]*\$|<[^>]+>|\]\([^)]*\)", "X", body)
        plain = re.sub(r"\s*\|\s*", "|", plain) if text.lstrip().startswith("|") else plain
        bad = _SPACE_IN_CHINESE.search(plain)
        if bad:
            found.append(f"{display(page.path)}:{number}: a space inside Chinese text "
                         f"({plain[max(0, bad.start() - 6): bad.end() + 6]!r}): remove it")
    return found


def quote_problems(page: Page) -> list[str]:
    """Chinese prose quotes with “…” only (not 「」, 『』 or ASCII "…"); code keeps its own."""
    if page.lang != "zh":
        return []
    found = []
    for number, text in page.prose():
        plain = re.sub(r"`[^`]*`|\$[^$]*\$|<[^>]+>|\]\([^)]*\)|\{[^}]*\}", "X", text)
        plain = re.sub(r'^\s*(?:!!!|\?\?\?\+?|===)\s*(?:[\w-]+\s+)?"[^"]*"', "", plain)  # box and tab titles
        bad = re.search(r'[「」『』"]', plain)
        if bad:
            found.append(f"{display(page.path)}:{number}: quote with “…” in Chinese text (or put code in "
                         f"backticks): {plain.strip()[:60]!r}")
    return found


def language_problems(page: Page) -> list[str]:
    """A zh page is written in Chinese, an en page in English, paragraph by paragraph."""
    found = []
    for line, text in paragraphs(page):
        plain = _plain(text)
        words = _LATIN_WORD.findall(plain)
        cjk = _CJK.findall(plain)
        if page.lang == "zh" and len(words) >= 6 and not cjk:
            found.append(f"{display(page.path)}:{line}: this paragraph of a Chinese page is not in Chinese "
                         f"(translate it): {text[:70]!r}")
        if page.lang == "en" and len(cjk) > 6 and len(cjk) > len(" ".join(words)) / 4:
            found.append(f"{display(page.path)}:{line}: this paragraph of an English page is in Chinese "
                         f"(translate it): {text[:70]!r}")
    return found


_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")


def _numbers(text: str) -> Counter:
    """The measured numbers a passage states: decimals, and whole numbers from 100 up.

    Small whole numbers are left out: "3 个样本" and "three samples" say the same thing.
    """
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets (#anchors, file names) are not facts
    text = re.sub(r"\{[:#.][^}]*\}", " ", text)
    found = Counter()
    for raw in _NUMBER.findall(text):
        if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
            raw = raw.replace(",", "")  # 60,000 is 60000
        raw = raw.rstrip(",")
        if "." in raw or "e" in raw or len(raw) >= 3:
            found[raw] += 1
    return found


def segments(page: Page) -> list[list[tuple[int, str]]]:
    """The prose between structural landmarks (headings, fences, admonitions, images), as
    (line number, text) pairs."""
    fence_starts = {f.line for f in page.fences}
    fenced = page.fenced_lines()
    out: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(page.lines, start=1):
        if number in fence_starts or re.match(r"^\s*(#{1,6}\s|!!!|\?\?\?|!\[)", line):
            out.append([])
        if number not in fenced:
            out[-1].append((number, line))
    return out


def _first_line(segment: list[tuple[int, str]], numbers: set[str]) -> int:
    return next((n for n, text in segment if set(_numbers(text)) & numbers), segment[0][0] if segment else 1)


def number_problems(name: str) -> list[str]:
    """The numbers in each stretch of prose are the same in both languages."""
    zh, en = (pages.read(DOCS / lang / name) for lang in ("zh", "en"))
    zs, es = segments(zh), segments(en)
    if len(zs) != len(es):
        return []  # the structure differs: the parity test says where
    found = []
    for zseg, eseg in zip(zs, es):
        a = set(_numbers("\n".join(t for _, t in zseg)))
        b = set(_numbers("\n".join(t for _, t in eseg)))
        if a != b:
            only_zh, only_en = sorted(a - b), sorted(b - a)
            zline, eline = _first_line(zseg, a ^ b), _first_line(eseg, a ^ b)
            found.append(f"docs/zh/{name}:{zline} and docs/en/{name}:{eline}: the numbers in this passage "
                         f"differ (only in zh: {', '.join(only_zh) or '-'}; only in en: "
                         f"{', '.join(only_en) or '-'}); a fact must read the same in both languages")
    return found


def untranslated_comments(lang: str) -> list[str]:
    """Comments of included snippets code that `lang` pages show untranslated, and stale entries."""
    if lang == SOURCE_LANGUAGE:
        return []
    found: set[str] = set()
    used: dict[str, set[str]] = {}  # snippets file -> the English comments some page shows
    for page in pages.pages(lang):
        for file, line, comment in program.expand(page.path).untranslated:
            found.add(f"{file}:{line}: the comment {comment!r}, shown on {display(page.path)}, has no "
                      f"translation: add it to {display(includes.catalogue_path(lang, file))}")
        for fence in page.fences:
            for match in fence.includes:
                text = includes.render(match["path"], match["section"], SOURCE_LANGUAGE).text
                used.setdefault(match["path"], set()).update(c for _, _, c in includes.comments(text))
    folder = includes.catalogue_path(lang, "x.py").parent
    for file in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        source = f"snippets/{file.stem}.py"
        table = includes.catalogue(lang, source)
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            key = next((k for k in table if line.startswith((f"{k}:", f'"{k}":', f"'{k}':"))), None)
            if key is not None and key not in used.get(source, set()):
                found.add(f"{display(file)}:{number}: no page shows the comment {key!r} of {source}; remove it")
    return sorted(found)


# --- structure shared by both languages -------------------------------------------------------

HEADING = re.compile(r"^(#{1,6})\s")
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+([\w-]+)")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def outline(page: Page) -> list[tuple[int, str]]:
    """(line, landmark) for headings (by level), admonitions (by kind) and images (by file)."""
    fenced = page.fenced_lines()
    found = []
    for number, line in enumerate(page.lines, start=1):
        if number in fenced:
            continue
        if m := HEADING.match(line):
            found.append((number, f"heading level {len(m[1])}"))
        if m := ADMONITION.match(line):
            found.append((number, f"admonition {m[1]} {m[2]}"))
        found.extend((number, f"image {src}") for src in IMAGE.findall(line))
    return found


def structure_problems(name: str) -> list[str]:
    zh, en = (outline(pages.read(DOCS / lang / name)) for lang in ("zh", "en"))
    for (zl, z), (el, e) in zip(zh, en):
        if z != e:
            return [f"docs/zh/{name}:{zl} and docs/en/{name}:{el}: the pages' structure differs here "
                    f"(zh: {z}; en: {e}); headings, admonitions and images come in the same order"]
    if len(zh) != len(en):
        longer, extra = ("zh", zh[len(en)]) if len(zh) > len(en) else ("en", en[len(zh)])
        return [f"docs/{longer}/{name}:{extra[0]}: {extra[1]} has no counterpart in the other language"]
    return []


def page_names(lang: str) -> set[str]:
    return {p.name for p in pages.pages(lang)}


def missing_twins() -> list[str]:
    zh, en = page_names("zh"), page_names("en")
    return ([f"docs/zh/{n}: no English page docs/en/{n}; write it" for n in sorted(zh - en)]
            + [f"docs/en/{n}: no Chinese page docs/zh/{n}; write it" for n in sorted(en - zh)])


def all_problems() -> list[str]:
    """Everything the page guards find, for a quick command-line check."""
    found = missing_twins()
    for page in pages.pages():
        found += fence_problems(page) + language_problems(page) + link_problems(page) + soft_break_problems(page)
        found += spacing_problems(page) + quote_problems(page)
    for name in sorted(page_names("zh") & page_names("en")):
        found += structure_problems(name) + number_problems(name)
        found += [p for lang in sync.TARGET_LANGUAGES for p in sync.drift(name, lang)]
    for lang in LANGUAGES:
        found += untranslated_comments(lang)
    return found
