"""A chapter's downloads: its page as a notebook and as a script, built from the page's program.

The harness runs a page's ```python blocks, includes expanded, top to bottom; the notebook and
the script are that same program (`docbuild.program`), so page, downloads and tests cannot
drift:

- the **notebook** `chNN_<module>_<lang>.ipynb` has the page's prose as Markdown cells and its
  blocks as code cells, executed at build time with their real outputs. Exercises are open:
  a worked solution (`??? success`) becomes a prompt and an empty cell. The English notebook is
  executed; the Chinese one, whose code differs only in comments, receives the same outputs.
- the **script** `chNN_<module>_<lang>.py` is the whole program, solutions included, in
  jupytext's percent format (`# %%` cells), runnable as `python chNN_<module>_<lang>.py`.

Both need the course's code, published next to them as a wheel (`docbuild.wheel`). Files are
written to `docs/<lang>/downloads/` (not committed) and executed notebooks are cached by a key
that covers the program, every project module it imports and the library versions.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from docbuild import cache, chapters, numerics, pages, program, wheel
from docbuild.pages import LANGUAGES, SOURCE_LANGUAGE

FOLDER = "downloads"
TIMEOUT_S = 600
PARALLEL = 2  # notebooks executed at once (the machines have 2 cores)
_ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?)\s+(?P<type>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")

TEXT = {
    "zh": {
        "about": "本笔记本由课程网站第 {number:02d} 章的页面生成：{url}\n\n按顺序运行每个单元格。"
                 "先按第 01 章的说明安装 PyTorch 和本课程的代码（`{wheel}`）。",
        "exercise": "**轮到你了**：在下面的单元格里写出你的解答。参考答案折叠在章节页面上：{url}",
        "your_code": "# 在这里写你的代码\n",
        "skipped": "*这个单元格在网站上不运行：{reason}。请在自己的电脑上把它改成代码单元格再运行。*",
        "script": "第 {number:02d} 章（{title}）的完整程序，由章节页面生成：{url}\n"
                  "运行：python {name}（先按第 01 章安装 PyTorch 和 {wheel}）",
        "solution": "练习的参考答案",
        "not_run": "网站上不运行：{reason}",
    },
    "en": {
        "about": "This notebook is generated from the page of chapter {number:02d} of the course site: {url}\n\n"
                 "Run the cells in order. First install PyTorch and the course's code (`{wheel}`) as chapter 01 explains.",
        "exercise": "**Your turn**: write your solution in the cell below. The worked solution is folded on the chapter page: {url}",
        "your_code": "# your code here\n",
        "skipped": "*This cell does not run on the site: {reason}. Turn it into a code cell to run it on your own machine.*",
        "script": "Chapter {number:02d} ({title}): the whole program, generated from the chapter page: {url}\n"
                  "Run: python {name} (first install PyTorch and {wheel} as chapter 01 explains)",
        "solution": "worked solution of an exercise",
        "not_run": "not run on the site: {reason}",
    },
}


class DownloadError(RuntimeError):
    """A notebook cell raised; the message names the chapter page and the error."""


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" | "code" | "exercise" (an open exercise: an empty code cell in notebooks)
    source: str
    solution: str = ""  # for "exercise": the worked solution's code (scripts include it)
    skipped: str | None = None  # for "code": why the site does not run it


def name(chapter: chapters.Chapter, lang: str, suffix: str) -> str:
    return f"{chapter.tag}_{chapter.module or chapter.slug[3:].replace('-', '_')}_{lang}{suffix}"


def configured_site_url() -> str:
    """`site_url` of mkdocs.yml (the build passes its own config's value instead)."""
    found = re.search(r"^site_url:\s*(\S+)", (cache.ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    return found[1] if found else ""


def page_url(site_url: str, chapter: chapters.Chapter, lang: str) -> str:
    prefix = "" if lang == "zh" else f"{lang}/"
    return f"{site_url.rstrip('/')}/{prefix}{chapter.slug}/"


def _absolute(line: str, site_url: str, lang: str) -> str:
    """Relative links of a page, rewritten so that they work from a downloaded notebook."""
    base = site_url.rstrip("/") + ("/" if lang == "zh" else f"/{lang}/")

    def fix(match):
        target = match["target"]
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match[0]
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            stem = path[: -len(".md")]
            path = "" if stem == "index" else f"{stem}/"
        url = base + path + (f"#{anchor}" if anchor else "")
        return f"{match['bang']}[{match['text']}]({url})"

    return _LINK.sub(fix, line)


_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")


def cells(chapter: chapters.Chapter, lang: str, site_url: str) -> list[Cell]:
    """The page of `chapter` in `lang` as notebook cells, in page order."""
    path = pages.DOCS / lang / chapter.page
    expanded = program.expand(path, lang)
    page = pages.read(path, expanded.text)
    fences = {f.line: f for f in page.fences}
    outputs = {after.line for _, after in page.outputs()}
    url = page_url(site_url, chapter, lang)
    text = TEXT[lang]
    out: list[Cell] = []
    markdown: list[str] = []
    depth: list[int] = []  # indentation of the admonitions we are in

    def flush():
        body = "\n".join(markdown).strip("\n")
        if body.strip():
            out.append(Cell("markdown", body + "\n"))
        markdown.clear()

    lines = page.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        if line.strip():
            width = len(line) - len(line.lstrip())
            while depth and width <= depth[-1]:
                depth.pop()
        strip = 4 * len(depth)
        fence = fences.get(number)
        admonition = _ADMONITION.match(line)
        if fence is not None:
            if fence.is_python:
                flush()
                reason = program.skip_reason(fence)
                out.append(Cell("code", fence.body, skipped=reason))
            elif number not in outputs:  # shown outputs are replaced by the real ones
                markdown.extend(ln[strip:] for ln in lines[i : fence.end])
            i = fence.end
            continue
        if admonition and admonition["kind"].startswith("???") and admonition["type"] == "success":
            indent = len(admonition["indent"])
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
                j += 1
            solution = [fences[n].body for n in range(number + 1, j + 1) if n in fences and fences[n].is_python]
            flush()
            out.append(Cell("exercise", text["exercise"].format(url=url), solution="\n".join(solution)))
            i = j
            continue
        if admonition:
            title = admonition["title"] or admonition["type"].capitalize()
            markdown.append(f"**{title}**" if title else "")
            markdown.append("")
            depth.append(len(admonition["indent"]))
        elif not _COMMENT.match(line):  # marker comments and a contributor's notes: invisible on the page
            markdown.append(_absolute(line[strip:] if line[:strip].strip() == "" else line.lstrip(), site_url, lang))
        i += 1
    flush()
    if out and out[0].kind == "markdown":  # the title first, then where the notebook comes from
        about = text["about"].format(number=chapter.number, url=url, wheel=wheel.filename())
        title, _, rest = out[0].source.partition("\n")
        out[0:1] = [Cell("markdown", f"{title}\n\n{about}\n"), *([Cell("markdown", rest.strip("\n") + "\n")] if rest.strip() else [])]
    return out


def notebook(cell_list: list[Cell], lang: str, outputs: list | None = None) -> dict:
    """An nbformat-4 notebook; `outputs` holds the (outputs, execution count) of its code cells,
    in order, as `execute` returns them (an exercise's empty cell is a code cell too)."""
    executed = iter(outputs or [])
    nb_cells = []

    def code(source: str) -> dict:
        cell = _code(source)
        if outputs is not None:
            cell["outputs"], cell["execution_count"] = next(executed)
        return cell

    for cell in cell_list:
        if cell.kind == "markdown":
            nb_cells.append({"cell_type": "markdown", "metadata": {}, "source": cell.source})
        elif cell.kind == "exercise":
            nb_cells.append({"cell_type": "markdown", "metadata": {}, "source": cell.source})
            nb_cells.append(code(TEXT[lang]["your_code"]))
        elif cell.skipped is not None:
            note = TEXT[lang]["skipped"].format(reason=cell.skipped)
            nb_cells.append({"cell_type": "markdown", "metadata": {},
                             "source": f"{note}\n\n```python\n{cell.source}```\n"})
        else:
            nb_cells.append(code(cell.source))
    return {"cells": nb_cells, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": source.rstrip("\n")}


def script(chapter: chapters.Chapter, lang: str, cell_list: list[Cell], site_url: str) -> str:
    """The chapter's whole program as a jupytext percent script."""
    text = TEXT[lang]
    header = text["script"].format(number=chapter.number, title=chapter.title(lang), name=name(chapter, lang, ".py"),
                                   url=page_url(site_url, chapter, lang), wheel=wheel.filename())
    parts = ['"""' + header + '\n"""\n']
    heading = None
    for cell in cell_list:
        if cell.kind == "markdown":
            titles = [ln.lstrip("#").strip() for ln in cell.source.splitlines() if ln.startswith("#")]
            heading = titles[-1] if titles else heading
        elif cell.kind == "exercise":
            parts.append(f"# %% {text['solution']}\n{cell.solution}")
        elif cell.skipped is not None:
            commented = "".join(f"# {ln}\n" if ln else "#\n" for ln in cell.source.splitlines())
            parts.append(f"# %% {text['not_run'].format(reason=cell.skipped)}\n{commented}")
        else:
            parts.append(f"# %% {heading or ''}".rstrip() + f"\n{cell.source}")
            heading = None
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def execute(nb: dict, workdir: Path) -> list[tuple[list, int]]:
    """Run the notebook's code cells in a fresh kernel; their (outputs, execution_count)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    node = nbformat.from_dict(nb)
    client = NotebookClient(node, timeout=TIMEOUT_S, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(workdir)}})
    # The numeric mode the tests run the pages in: the outputs are the page's to the last digit.
    env = numerics.environment()
    try:  # in a thread of its own, with its own event loop (the caller may be running one)
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, client.async_execute(env=env)).result()
    except CellExecutionError as err:
        raise DownloadError(str(err)) from err
    return [(c["outputs"], c["execution_count"]) for c in node.cells if c["cell_type"] == "code"]


def _key(script_path: Path) -> str:
    versions = cache.library_versions((*cache.BASE_LIBRARIES, "nbclient", "ipykernel"))
    return cache.content_key(cache.project_sources(script_path), versions=versions,
                             builder=Path(__file__).read_text(encoding="utf-8"))[:16]


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        cache.atomic_write(path, data)


def build_downloads(docs_dir: Path, site_url: str, log=print) -> dict[str, str]:
    """Write every chapter's notebook and script, and the wheel, into docs/<lang>/downloads/.

    Returns {notebook file name: "cached" | "built"}.
    """
    status: dict[str, str] = {}
    wheel_bytes = wheel.build()
    known: set[Path] = set()
    for lang in LANGUAGES:
        target = docs_dir / lang / FOLDER / wheel.filename()
        _write_if_changed(target, wheel_bytes)
        known.add(target)
    todo: dict[chapters.Chapter, Path] = {}  # chapters whose notebook must be executed -> cache entry
    results: dict[chapters.Chapter, list] = {}
    per_chapter: dict[chapters.Chapter, dict[str, list[Cell]]] = {}
    for chapter in chapters.written():
        per_lang = per_chapter[chapter] = {lang: cells(chapter, lang, site_url) for lang in LANGUAGES}
        for lang, cell_list in per_lang.items():
            target = docs_dir / lang / FOLDER / name(chapter, lang, ".py")
            _write_if_changed(target, script(chapter, lang, cell_list, site_url).encode())
            known.add(target)
        entry = cache.CACHE_DIR / FOLDER / f"{chapter.tag}.{_key(docs_dir / SOURCE_LANGUAGE / FOLDER / name(chapter, SOURCE_LANGUAGE, '.py'))}.json"
        outputs = _cached_outputs(entry)
        if outputs is None:
            todo[chapter] = entry
            for lang in LANGUAGES:  # never leave an old notebook looking current
                (docs_dir / lang / FOLDER / name(chapter, lang, ".ipynb")).unlink(missing_ok=True)
        else:
            results[chapter] = outputs
        status[name(chapter, SOURCE_LANGUAGE, ".ipynb")] = "built" if outputs is None else "cached"
    for chapter in todo:
        log(f"notebook {name(chapter, SOURCE_LANGUAGE, '.ipynb')}: executing")
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        executed = pool.map(lambda c: _execute_chapter(c, per_chapter[c][SOURCE_LANGUAGE]), todo)
        for chapter, outputs in zip(todo, executed):
            entry = todo[chapter]
            for old in entry.parent.glob(f"{chapter.tag}.*.json"):
                old.unlink()
            cache.atomic_write(entry, json.dumps(outputs).encode())
            results[chapter] = outputs
    for chapter, per_lang in per_chapter.items():
        for lang, cell_list in per_lang.items():
            target = docs_dir / lang / FOLDER / name(chapter, lang, ".ipynb")
            data = json.dumps(notebook(cell_list, lang, results[chapter]), ensure_ascii=False, indent=1) + "\n"
            _write_if_changed(target, data.encode())
            known.add(target)
    for lang in LANGUAGES:  # files of chapters that no longer exist
        for old in (docs_dir / lang / FOLDER).glob("*"):
            if old not in known and old.is_file():
                old.unlink()
    return status


def _execute_chapter(chapter: chapters.Chapter, cell_list: list[Cell]) -> list:
    with tempfile.TemporaryDirectory() as workdir:
        try:
            return execute(notebook(cell_list, SOURCE_LANGUAGE), Path(workdir))
        except DownloadError as err:
            raise DownloadError(f"{cache.display(pages.DOCS / SOURCE_LANGUAGE / chapter.page)}: "
                                f"a cell of its notebook failed:\n{err}") from None


def _cached_outputs(entry: Path) -> list | None:
    if not entry.is_file():
        return None
    try:
        return [tuple(pair) for pair in json.loads(entry.read_bytes())]
    except (ValueError, TypeError):
        print(f"downloads: discarding the damaged cache entry {cache.display(entry)}")
        entry.unlink()
        return None


def buttons(chapter: chapters.Chapter, lang: str) -> str:
    """The download buttons shown under a chapter's title (Markdown with attribute lists)."""
    labels = {"zh": ("下载笔记本", "下载脚本", "课程代码（wheel）"),
              "en": ("Download the notebook", "Download the script", "Course code (wheel)")}[lang]
    files = (name(chapter, lang, ".ipynb"), name(chapter, lang, ".py"), wheel.filename())
    icons = (":material-notebook-outline:", ":material-language-python:", ":material-package-variant:")
    return " ".join(f"[{icon} {label}]({FOLDER}/{file}){{ .md-button download=\"{file}\" }}"
                    for icon, label, file in zip(icons, labels, files))
