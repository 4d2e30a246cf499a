"""Reading the Markdown pages the way the tests need: fences, markers, includes, structure.

One parser for the guard, parity and code-block tests, so they agree on what a fence is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LANGUAGES = ("zh", "en")

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<mark>`{3,}|~{3,})(?P<info>.*)$")
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[A-Za-z0-9_\-]+))?"\s*$')
_MARK = re.compile(r"^\s*<!--\s*(pytest\.mark\.[^>]*|pytest-codeblocks:[^>]*?)\s*-->\s*$")


@dataclass
class Fence:
    path: Path
    line: int  # 1-based line of the opening fence
    mark: str  # ``` or ~~~ (with its length)
    info: str  # what follows the fence mark, stripped
    body: str
    markers: list[str] = field(default_factory=list)  # comment markers just above the fence
    dedent_lines: list[int] = field(default_factory=list)  # lines less indented than the fence

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def includes(self) -> list[re.Match]:
        lines = [ln for ln in self.body.splitlines() if ln.strip()]
        matches = [INCLUDE.match(ln) for ln in lines]
        return matches if lines and all(matches) else []


def fences(path: Path) -> list[Fence]:
    """Every fenced block of a page, with the marker comments that precede it."""
    found: list[Fence] = []
    markers: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = _MARK.match(line)
        opening = _FENCE.match(line)
        if marker:
            markers.append(marker.group(1).strip())
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
            found.append(Fence(path, i + 1, opening["mark"], opening["info"].strip(), body + "\n",
                               markers, dedented))
            markers = []
            i = j
        elif line.strip():
            markers = []
        i += 1
    return found


def pages(lang: str | None = None) -> list[Path]:
    roots = [DOCS / lang] if lang else [DOCS / code for code in LANGUAGES]
    return sorted(p for root in roots for p in root.rglob("*.md"))


def include_text(match: re.Match) -> str:
    """The text pymdownx.snippets puts on the page for one `--8<--` line."""
    path = ROOT / match["path"]
    text = path.read_text(encoding="utf-8")
    section = match["section"]
    if not section:
        return "".join(ln for ln in text.splitlines(True) if "--8<-- [" not in ln)
    start = re.search(rf"^[ \t]*# --8<-- \[start:{re.escape(section)}\][ \t]*\n", text, re.M)
    end = re.search(rf"^[ \t]*# --8<-- \[end:{re.escape(section)}\][ \t]*$", text, re.M)
    if not start or not end or end.start() < start.end():
        raise LookupError(f"{match['path']}: no section {section!r} (need start/end markers)")
    body = text[start.end() : end.start()]
    return "".join(ln for ln in body.splitlines(True) if "--8<-- [" not in ln)


def module_name(include_path: str) -> str:
    return include_path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
