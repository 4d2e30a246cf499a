"""Code is written once: docs/en holds the code blocks and outputs, docs/zh holds copies.

`scripts/sync_code.py` copies every fence of an English page (with the marker comments above
it) into its Chinese twin, keeping the Chinese comments of lines whose code did not change.
A fence new in English is inserted after the Chinese copy of the fence before it; a fence gone
from English is removed. `drift` lists what differs, for the test that tells a contributor to
run the command. `--outputs` first replaces every shown output of the English pages with what
the code really prints.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docbuild import includes, outputs, pages
from docbuild.pages import DOCS, SOURCE_LANGUAGE, Fence, Page, display

TARGET_LANGUAGES = tuple(lang for lang in pages.LANGUAGES if lang != SOURCE_LANGUAGE)
COMMAND = ".venv/bin/python scripts/sync_code.py"


@dataclass(frozen=True)
class Unit:
    """A fence and the marker comments directly above it: what is copied between languages."""

    fence: Fence
    first: int  # first line (a marker's, or the fence's)
    section: int  # how many headings come before it: both languages have the same headings

    @property
    def last(self) -> int:
        return self.fence.end

    @property
    def place(self) -> tuple:
        return (self.section, self.fence.info)

    @property
    def key(self) -> tuple:
        f = self.fence
        return (self.section, f.indent, f.mark, f.info, normalise(f.info, f.body), tuple(m.text for m in f.markers))


def headings(page: Page) -> list[int]:
    fenced = page.fenced_lines()
    return [n for n, line in enumerate(page.lines, 1) if n not in fenced and re.match(r"#{1,6}\s", line)]


def units(page: Page) -> list[Unit]:
    lines = headings(page)
    return [Unit(f, min([m.line for m in f.markers] + [f.line]), sum(h < f.line for h in lines))
            for f in page.fences]


def _comment_columns(code: str, info: str) -> dict[int, int]:
    if info == "python":
        return {row: col for row, col, _ in includes.comments(code)}
    if info in {"console", "shell"}:
        return {row: m.start() + 1 for row, line in enumerate(code.splitlines())
                if (m := re.search(r"[ \t]#\s", line))}
    return {}


def code_and_comments(info: str, body: str) -> list[tuple[str, str, str]]:
    """Per line: (the code, what precedes the comment, the comment), e.g. ("x = 1", "x = 1  ", "# one")."""
    columns = _comment_columns(body, info)
    out = []
    for row, line in enumerate(body.splitlines()):
        column = columns.get(row)
        if column is None:
            out.append((line.rstrip(), line.rstrip(), ""))
        else:
            out.append((line[:column].rstrip(), line[:column], line[column:].rstrip()))
    return out


def normalise(info: str, body: str) -> str:
    """What must be identical in both languages: the code without its comments."""
    if info not in {"python", "console", "shell"}:
        return body
    return "\n".join(code for code, _, _ in code_and_comments(info, body) if code.strip())


def merge(info: str, source: str, target: str) -> tuple[str, list[int]]:
    """`source` with the comments `target` had on lines whose code is unchanged.

    Also returns the rows whose comment is still the untranslated source comment.
    """
    src = code_and_comments(info, source)
    old = code_and_comments(info, target)

    def keys(rows):  # a comment-only line matches another at the same indentation
        return [code if code.strip() else ("#" + prefix if comment else "") for code, prefix, comment in rows]

    matcher = difflib.SequenceMatcher(None, keys(src), keys(old), autojunk=False)
    kept: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept.update({i1 + k: old[j1 + k][2] for k in range(i2 - i1)})
    lines, untranslated = [], []
    for row, (code, prefix, comment) in enumerate(src):
        if not comment:
            lines.append(prefix)
            continue
        translated = kept.get(row) or comment
        lines.append(prefix + translated)
        if translated == comment and includes.needs_translation(comment.lstrip("#").strip()):
            untranslated.append(row)
    return "\n".join(lines) + ("\n" if source.endswith("\n") else ""), untranslated


def _unit_text(page: Page, unit: Unit, indent: str) -> list[str]:
    """The lines of a unit, re-indented from its own fence indentation to `indent`."""
    own = unit.fence.indent
    out = []
    for line in page.lines[unit.first - 1 : unit.last]:
        out.append(indent + line[len(own):] if line.strip() else "")
    return out


def _fence_lines(indent: str, mark: str, info: str, body: str) -> list[str]:
    lines = [f"{indent}{mark}{info}"]
    lines += [f"{indent}{ln}" if ln.strip() else "" for ln in body.splitlines()]
    lines.append(f"{indent}{mark}")
    return lines


@dataclass
class Report:
    page: str
    changed: bool
    notes: list[str]


def sync_page(name: str, lang: str, write: bool = True) -> Report:
    """Bring docs/<lang>/<name> in line with docs/en/<name>."""
    source = pages.read(DOCS / SOURCE_LANGUAGE / name)
    target_path = DOCS / lang / name
    target = pages.read(target_path)
    src_units, dst_units = units(source), units(target)
    matcher = difflib.SequenceMatcher(None, [u.place for u in src_units], [u.place for u in dst_units],
                                      autojunk=False)
    lines = list(target.lines)
    target_heads = headings(target)
    edits: list[tuple[int, int, list[str]]] = []  # (first, last) line range of target -> new lines
    notes: list[str] = []

    def rewrite(s: Unit, d: Unit) -> None:
        fence = s.fence
        body, untranslated = merge(fence.info, fence.body, d.fence.body)
        new = _unit_text(source, s, d.fence.indent)[: fence.line - s.first]  # the markers
        new += _fence_lines(d.fence.indent, fence.mark, fence.info, body)
        if new != lines[d.first - 1 : d.last]:
            edits.append((d.first, d.last, new))
        notes.extend(f"{display(target_path)}:{d.fence.line + 1 + row}: translate the new comment "
                     f"{body.splitlines()[row].strip()!r}" for row in untranslated)

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":  # same section, same kind of fence: update it in place
            for s, d in zip(src_units[i1:i2], dst_units[j1:j2]):
                rewrite(s, d)
            continue
        for d in dst_units[j1:j2]:
            blank_after = d.last < len(lines) and not lines[d.last].strip()
            edits.append((d.first, d.last + (1 if blank_after else 0), []))
            notes.append(f"{display(target_path)}:{d.first}: removed a block that docs/{SOURCE_LANGUAGE} no longer has")
        for s in src_units[i1:i2]:
            after = _insertion_point(s, dst_units[:j1], target_heads)
            edits.append((after + 1, after, [""] + _unit_text(source, s, s.fence.indent)))
            notes.append(f"{display(target_path)}:{after + 1}: inserted the block of {display(source.path)}:"
                         f"{s.fence.line}; translate its comments and the prose around it")
    for first, last, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[first - 1 : last] = new
    text = "\n".join(lines) + "\n"
    changed = text != target_path.read_text(encoding="utf-8")
    if changed and write:
        target_path.write_text(text, encoding="utf-8")
    return Report(display(target_path), changed, notes)


def _insertion_point(unit: Unit, before: list[Unit], heads: list[int]) -> int:
    """The target line after which a new unit goes: after the last block of its section that
    precedes it, else right after its section's heading."""
    same = [u for u in before if u.section == unit.section]
    if same:
        return same[-1].last
    return heads[unit.section - 1] if unit.section else 0


def drift(name: str, lang: str) -> list[str]:
    """How docs/<lang>/<name>'s fences differ from the English page's, each as file:line."""
    source = pages.read(DOCS / SOURCE_LANGUAGE / name)
    target = pages.read(DOCS / lang / name)
    src_units, dst_units = units(source), units(target)
    matcher = difflib.SequenceMatcher(None, [u.key for u in src_units], [u.key for u in dst_units],
                                      autojunk=False)
    problems = []
    how = (f"code blocks and outputs are written in docs/{SOURCE_LANGUAGE} and copied: edit "
           f"{display(source.path)}, then run `{COMMAND}`")
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k, d in enumerate(dst_units[j1:j2]):
            twin = f" (docs/{SOURCE_LANGUAGE} line {src_units[i1 + k].fence.line})" if i1 + k < i2 else ""
            problems.append(f"{d.fence.where}: this block differs from the English page{twin}; {how}")
        for s in src_units[i1 + (j2 - j1):i2]:
            problems.append(f"{s.fence.where}: this block has no copy in {display(target.path)}; {how}")
    return problems


def names() -> list[str]:
    return [p.name for p in pages.pages(SOURCE_LANGUAGE)]


# --- replacing the shown outputs with real ones -----------------------------------------------


def real_outputs(path: Path) -> dict[int, str]:
    """{line of the output fence: what the code above it prints}, running the page as a program."""
    import contextlib
    import types
    import sys

    from docbuild import program

    expanded = program.expand(path)
    page = pages.read(path)
    shown = {before.line: after for before, after in page.outputs()
             if after.marker("pytest-codeblocks:expected-output")}
    module = types.ModuleType("__main__")
    outputs = {}
    for fence in program.code_blocks(expanded):
        _, line = expanded.origin(fence.line)
        if program.skip_reason(fence) is not None:
            continue
        buffer = io.StringIO()
        code = compile(fence.body, f"<{display(path)}:{line}>", "exec", dont_inherit=True)
        main, sys.modules["__main__"] = sys.modules.get("__main__"), module
        try:
            with contextlib.redirect_stdout(buffer):
                exec(code, module.__dict__)  # noqa: S102
        finally:
            sys.modules["__main__"] = main
        if line in shown:
            outputs[shown[line].line] = buffer.getvalue()
    return outputs


def write_outputs(path: Path) -> bool:
    page = pages.read(path)
    printed = real_outputs(path)
    lines = list(page.lines)
    for fence in sorted(page.fences, key=lambda f: f.line, reverse=True):
        # an approximate output within its tolerance stays as shown: pages do not flip between machines
        if fence.line in printed and not outputs.matches(fence, printed[fence.line]):
            lines[fence.line - 1 : fence.end] = _fence_lines(fence.indent, fence.mark, fence.info,
                                                             printed[fence.line])
    text = "\n".join(lines) + "\n"
    changed = text != path.read_text(encoding="utf-8")
    if changed:
        path.write_text(text, encoding="utf-8")
    return changed


# --- the catalogues of translated comments ----------------------------------------------------


def add_missing_comments(lang: str, names: list[str] | None = None) -> dict[str, int]:
    """Add each untranslated comment of the code that pages `names` (default: all) include to
    its module's catalogue, as `"text": ""`."""
    import yaml

    from docbuild import program

    missing: dict[str, list[str]] = {}
    for page in pages.pages(lang):
        if names is not None and page.name not in names:
            continue
        for file, _, comment in program.expand(page.path).untranslated:
            if comment not in missing.setdefault(file, []):
                missing[file].append(comment)
    added = {}
    for file, comments in missing.items():
        path = includes.catalogue_path(lang, file)
        table = includes.catalogue(lang, file)
        new = [c for c in comments if c not in table]
        if not new:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8") if path.is_file() else (
            f"# Translations of the comments in {file} that docs/{lang} pages show.\n")
        text += yaml.safe_dump({c: "" for c in new}, allow_unicode=True, sort_keys=False, width=1000)
        path.write_text(text, encoding="utf-8")
        added[display(path)] = len(new)
    return added
