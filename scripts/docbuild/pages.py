"""Reading the Markdown pages: fences, the marker comments above them, the prose between them.

One parser for the harness, the guards, the zh/en sync and the notebook builder, so that they
all agree on what a code block is. Code blocks and their shown outputs are written in the
source language's pages (`docs/en`); `scripts/sync_code.py` copies them into `docs/zh`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docbuild.cache import display
from docbuild.settings import ROOT

DOCS = ROOT / "docs"
LANGUAGES = ("zh", "en")
SOURCE_LANGUAGE = "en"  # where code blocks and outputs are written; the other pages copy them

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[A-Za-z0-9_\-]+))?"\s*$')
# Any line pymdownx-style tools would read as an include (`;--8<--` is how a page shows one).
INCLUDE_LIKE = re.compile(r"^\s*-+8<-+\s")
_MARKER = re.compile(r"^\s*<!--\s*(?P<text>pytest\.mark\.[^>]*?|pytest-codeblocks:[^>]*?|output-(?:unchecked|approximate)\b[^>]*?)\s*-->\s*$")
_ADMONITION = re.compile(r"^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?)\s+(?P<type>[\w-]+)")


@dataclass(frozen=True)
class Marker:
    line: int
    text: str  # e.g. `pytest-codeblocks:expected-output`, `pytest.mark.skip(reason="...")`


@dataclass
class Fence:
    path: Path
    line: int  # 1-based line of the opening fence
    end: int  # line of the closing fence
    indent: str
    mark: str  # ``` or ~~~ (with its length)
    info: str  # what follows the fence mark (trailing spaces dropped, leading ones kept, as
    # pytest-codeblocks reads it: ``` python is not a python block to it)
    body: str  # the content, de-indented by the fence's indentation
    markers: list[Marker] = field(default_factory=list)  # marker comments just above the fence
    dedent_lines: list[int] = field(default_factory=list)  # lines less indented than the fence
    containers: tuple[str, ...] = ()  # the admonitions it sits in, outermost first ("??? success")

    @property
    def where(self) -> str:
        return f"{display(self.path)}:{self.line}"

    @property
    def is_python(self) -> bool:
        return self.info == "python" and self.mark.startswith("`")

    @property
    def in_solution(self) -> bool:
        """Inside a folded worked solution (`??? success`): open as an exercise in notebooks."""
        return any(c.startswith("???") and c.endswith(" success") for c in self.containers)

    @property
    def includes(self) -> list[re.Match]:
        """The include lines, when the block consists of nothing else."""
        lines = [ln for ln in self.body.splitlines() if ln.strip()]
        matches = [INCLUDE.match(ln) for ln in lines]
        return matches if lines and all(matches) else []

    def marker(self, prefix: str) -> Marker | None:
        return next((m for m in self.markers if m.text.startswith(prefix)), None)


@dataclass
class Page:
    path: Path
    lines: list[str]
    fences: list[Fence]

    @property
    def lang(self) -> str:
        """The language folder the page sits in (docs/zh/..., docs/en/...)."""
        return next((part for part in reversed(self.path.parent.parts) if part in LANGUAGES), SOURCE_LANGUAGE)

    @property
    def name(self) -> str:
        """The path inside its language folder: `02-linear-model.md`."""
        parts = self.path.parts
        at = len(parts) - 1 - parts[::-1].index(self.lang) if self.lang in parts else len(parts) - 1
        return "/".join(parts[at + 1 :])

    def fenced_lines(self) -> set[int]:
        return {n for f in self.fences for n in range(f.line, f.end + 1)}

    def prose(self) -> list[tuple[int, str]]:
        """(line number, text) of every line outside fences and marker comments."""
        fenced = self.fenced_lines()
        return [(n, text) for n, text in enumerate(self.lines, start=1)
                if n not in fenced and not _MARKER.match(text)]

    def outputs(self) -> list[tuple[Fence, Fence]]:
        """(code block, output block) pairs: an output fence that directly follows a python fence."""
        pairs = []
        for before, after in zip(self.fences, self.fences[1:]):
            between = self.lines[before.end : after.line - 1]
            if (before.is_python and after.info in {"", "text", "output"}
                    and all(not ln.strip() or _MARKER.match(ln) for ln in between)):
                pairs.append((before, after))
        return pairs


def read(path: Path, text: str | None = None) -> Page:
    path = Path(path).resolve()
    lines = (path.read_text(encoding="utf-8") if text is None else text).splitlines()
    return Page(path, lines, _fences(path, lines))


def _fences(path: Path, lines: list[str]) -> list[Fence]:
    found: list[Fence] = []
    markers: list[Marker] = []
    containers: list[tuple[int, str]] = []  # (indent width, "??? success") of open admonitions
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip():
            width = len(line) - len(line.lstrip())
            while containers and width <= containers[-1][0]:
                containers.pop()
        marker = _MARKER.match(line)
        opening = _FENCE.match(line)
        admonition = _ADMONITION.match(line)
        if marker:
            markers.append(Marker(i + 1, marker["text"].strip()))
        elif opening:
            close = re.compile(rf"^[ \t]*{re.escape(opening['mark'][0])}{{{len(opening['mark'])},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            indent = opening["indent"]
            inside = lines[i + 1 : j]
            body = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln.lstrip() for ln in inside)
            # pytest-codeblocks strips indentation line by line, so such a line passes the test
            # while Markdown ends the admonition (or list) there and breaks the page.
            dedented = [i + 2 + k for k, ln in enumerate(inside) if ln.strip() and not ln.startswith(indent)]
            found.append(Fence(path, i + 1, j + 1, indent, opening["mark"], opening["info"].rstrip(),
                               body + "\n" if inside else "", markers, dedented,
                               tuple(kind for _, kind in containers)))
            markers = []
            i = j
        else:
            if admonition:
                containers.append((len(admonition["indent"]), f"{admonition['kind']} {admonition['type']}"))
            if line.strip():
                markers = []
        i += 1
    return found


def pages(lang: str | None = None) -> list[Page]:
    roots = [DOCS / lang] if lang else [DOCS / code for code in LANGUAGES]
    return [read(p) for root in roots for p in sorted(root.rglob("*.md"))]


def twin(page: Page, lang: str) -> Path:
    """The same page in another language."""
    return DOCS / lang / page.name
