"""A page is a program: its ```python blocks, includes expanded, in page order.

`expand` turns a page into the text a reader sees (every include line replaced by the code it
shows), with the origin of every line so that errors can name the Markdown or snippets file.
The harness runs that program top to bottom in one namespace; the notebook and script builders
turn the same program into a chapter's notebook and script.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docbuild import includes, pages
from docbuild.pages import Fence, display


@dataclass(frozen=True)
class Expanded:
    page: Path
    text: str
    origins: tuple[tuple[str, int], ...]  # (file, line) of each line of `text`
    untranslated: tuple[tuple[str, int, str], ...]  # comments of included code lacking a translation

    def origin(self, line: int) -> tuple[str, int]:
        """Where line `line` (1-based) of the expanded text was written."""
        return self.origins[line - 1]


class PageError(ValueError):
    """A page that cannot become a program; the message names the file and line."""


def expand(path: Path, lang: str | None = None, text: str | None = None) -> Expanded:
    """The page at `path` (or `text`, its Markdown) with every include replaced by its code."""
    page = pages.read(path, text)
    lang = lang or page.lang
    where = display(path)
    out: list[str] = []
    origins: list[tuple[str, int]] = []
    untranslated: list[tuple[str, int, str]] = []
    include_lines = {}
    for fence in page.fences:
        if fence.is_python:
            for offset, line in enumerate(fence.body.splitlines()):
                match = pages.INCLUDE.match(line)
                if match:
                    include_lines[fence.line + 1 + offset] = (fence, match)
    for number, line in enumerate(page.lines, start=1):
        if number not in include_lines:
            out.append(line)
            origins.append((where, number))
            continue
        fence, match = include_lines[number]
        try:
            rendered = includes.render(match["path"], match["section"], lang)
        except includes.IncludeError as err:
            raise PageError(f"{where}:{number}: {err}") from err
        for text, origin in zip(rendered.text.splitlines(), rendered.origins):
            out.append(f"{fence.indent}{text}" if text else "")
            origins.append(origin)
        untranslated.extend(rendered.untranslated)
    return Expanded(path, "\n".join(out) + "\n", tuple(origins), tuple(untranslated))


def code_blocks(expanded: Expanded) -> list[Fence]:
    """The page's ```python blocks as the reader sees them (line numbers of the expanded text)."""
    return [f for f in pages.read(expanded.page, expanded.text).fences if f.is_python]


def skip_reason(fence: Fence) -> str | None:
    marker = fence.marker("pytest.mark.skip")
    if marker is None:
        return None
    import re

    found = re.search(r"reason\s*=\s*(['\"])(?P<why>.*?)\1", marker.text)
    return found["why"] if found else ""
