"""Code that pages include from `snippets/`, rendered exactly as the reader sees it.

A page shows a section of a snippets module with a line `--8<-- "snippets/<module>.py:<section>"`
(the section lies between `# --8<-- [start:<section>]` and `# --8<-- [end:<section>]`; without
a section, the whole file). The page shows the code with each docstring cut down to a one-line
comment (the API reference keeps the docstrings); on Chinese pages the comments are translated
with the catalogue of the module, `docs/zh/code-comments/<module>.yml`, which maps each English
comment to its translation.

The build (`scripts/hooks.py`), the test harness and the notebook builder all call `render`,
so what a reader sees, what runs in the tests and what lands in a notebook are one text.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docbuild.pages import DOCS, SOURCE_LANGUAGE, display
from docbuild.settings import ROOT

SECTION_MARK = "--8<-- ["


class IncludeError(LookupError):
    """An include that cannot be rendered; the message names the file and line."""


@dataclass(frozen=True)
class Rendered:
    text: str
    origins: tuple[tuple[str, int], ...]  # (file, line) in snippets/ of each line of `text`
    untranslated: tuple[tuple[str, int, str], ...] = ()  # (file, line, comment) lacking a translation


def catalogue_path(lang: str, path: str) -> Path:
    """The translations of the comments of snippets file `path` on `lang` pages."""
    return DOCS / lang / "code-comments" / f"{Path(path).stem}.yml"


@lru_cache(maxsize=None)
def _catalogue(file: Path, text: str) -> dict[str, str]:
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise IncludeError(f"{display(file)}{line}: not valid YAML: {err}") from err
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise IncludeError(f"{display(file)}: must map each English comment to its translation (text: text)")
    return data


def _catalogue_text(lang: str, path: str) -> str | None:
    file = catalogue_path(lang, path)
    return None if lang == SOURCE_LANGUAGE or not file.is_file() else file.read_text(encoding="utf-8")


def catalogue(lang: str, path: str) -> dict[str, str]:
    text = _catalogue_text(lang, path)
    return {} if text is None else _catalogue(catalogue_path(lang, path), text)


def _source(path: str) -> str:
    try:
        return (ROOT / path).read_text(encoding="utf-8")
    except OSError as err:
        raise IncludeError(f"{path}: cannot read it ({err.strerror})") from err


def section_lines(path: str, section: str | None) -> list[tuple[int, str]]:
    """(line number, line) of a section of a file under the repository root, markers dropped."""
    return _section_lines(path, section, _source(path))


def _section_lines(path: str, section: str | None, source: str) -> list[tuple[int, str]]:
    numbered = list(enumerate(source.splitlines(), start=1))
    if section:
        starts = [n for n, ln in numbered if ln.strip() == f"# --8<-- [start:{section}]"]
        ends = [n for n, ln in numbered if ln.strip() == f"# --8<-- [end:{section}]"]
        if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
            raise IncludeError(f"{path}: no section {section!r} (it needs one `# --8<-- [start:{section}]` "
                               f"and one `# --8<-- [end:{section}]` line)")
        numbered = numbered[starts[0] : ends[0] - 1]
    return [(n, ln) for n, ln in numbered if SECTION_MARK not in ln]


def render(path: str, section: str | None, lang: str = SOURCE_LANGUAGE) -> Rendered:
    """The code a page in `lang` shows for one include line."""
    return _render(path, section, lang, _source(path), _catalogue_text(lang, path))


@lru_cache(maxsize=4096)  # the pages include the same sections many times: once per distinct text
def _render(path: str, section: str | None, lang: str, source: str, catalogue_text: str | None) -> Rendered:
    numbered = _section_lines(path, section, source)
    table = None if lang == SOURCE_LANGUAGE else (
        {} if catalogue_text is None else _catalogue(catalogue_path(lang, path), catalogue_text))
    untranslated: list[tuple[str, int, str]] = []
    numbered = _docstrings_to_comments(path, numbered, table, untranslated)
    while numbered and not numbered[0][1].strip():
        numbered.pop(0)
    while numbered and not numbered[-1][1].strip():
        numbered.pop()
    text = "".join(ln + "\n" for _, ln in numbered)
    if table is not None:
        text, missing = translate_comments(text, table, skip=_TRANSLATED)
        untranslated += [(path, numbered[row][0], comment) for row, comment in missing]
    text = text.replace(_TRANSLATED, "")
    return Rendered(text, tuple((path, n) for n, _ in numbered), tuple(untranslated))


def comments(code: str) -> list[tuple[int, int, str]]:
    """(0-based row, column, text after '#') of each comment in `code`."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type == tokenize.COMMENT:
                found.append((tok.start[0] - 1, tok.start[1], tok.string[1:].strip()))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return found


_TRANSLATED = "\u2063"  # invisible separator: marks a docstring comment that is already translated


def translate_comments(code: str, table: dict[str, str], skip: str = _TRANSLATED) -> tuple[str, list[tuple[int, str]]]:
    """`code` with each comment replaced by its translation; also the comments that have none."""
    lines = code.splitlines(keepends=True)
    missing = []
    for row, column, text in comments(code):
        if text.startswith(skip):
            lines[row] = lines[row].replace("# " + skip, "# ", 1)
            continue
        if not needs_translation(text):
            continue
        if table.get(text):  # an empty entry is a translation still to write
            lines[row] = f"{lines[row][:column]}# {table[text]}\n"
        else:
            missing.append((row, text))
    return "".join(lines), missing


_WORD = re.compile(r"(?<![\w.`])[a-z]{2,}(?![\w.(`])", re.I)


def needs_translation(comment: str) -> bool:
    """Prose (two words or more), not shapes, numbers, calls or arrows like `-log(1e-30) = 69.08`."""
    if re.search(r"[\u4e00-\u9fff]", comment):
        return False
    return len(_WORD.findall(re.sub(r"`[^`]*`", "", comment))) >= 2


def _docstrings_to_comments(path: str, numbered: list[tuple[int, str]], table: dict[str, str] | None,
                            untranslated: list) -> list[tuple[int, str]]:
    """Each docstring becomes a one-line comment in its place; a string documenting an attribute
    (`X = 1` then `\"\"\"...\"\"\"`) becomes a comment above the assignment."""
    text = "".join(ln + "\n" for _, ln in numbered)
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        line = numbered[err.lineno - 1][0] if err.lineno and err.lineno <= len(numbered) else "?"
        raise IncludeError(f"{path}:{line}: the included section is not valid Python: {err.msg}") from err
    drop: set[int] = set()  # 0-based rows of `numbered`
    put: dict[int, list[str]] = {}  # row -> comment lines that go before it
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for k, stmt in enumerate(body):
            if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)):
                continue
            rows = range(stmt.lineno - 1, stmt.end_lineno)
            drop.update(rows)
            indent = " " * stmt.col_offset
            summary = _summary(stmt.value.value)
            if table is not None and table.get(summary):  # translated whole, then not wrapped
                lines = [f"{indent}# {_TRANSLATED}{table[summary]}"]
            else:
                if table is not None and needs_translation(summary):
                    untranslated.append((path, numbered[stmt.lineno - 1][0], summary))
                lines = [f"{indent}# {_TRANSLATED}{part}" for part in _wrap(summary, 96 - len(indent))]
            if len(body) == 1:
                lines.append(f"{indent}...")  # the docstring was the whole body
            previous = body[k - 1] if k > 0 else None
            if isinstance(previous, (ast.Assign, ast.AnnAssign)):
                put.setdefault(previous.lineno - 1, []).extend(lines)
            else:
                put.setdefault(rows[0], []).extend(lines)
    out: list[tuple[int, str]] = []
    for row, (number, line) in enumerate(numbered):
        out.extend((number, comment) for comment in put.get(row, []))
        if row not in drop:
            out.append((number, line))
    return out


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) if text else []


def _summary(docstring: str) -> str:
    """The first paragraph of a docstring as one line, without reStructuredText markup."""
    paragraph = []
    for line in docstring.strip().splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    text = " ".join(paragraph)
    text = re.sub(r":[a-z]+:`~([^`]+)`", lambda m: f"`{m[1].split('.')[-1]}`", text)
    text = re.sub(r":[a-z]+:`([^`]+)`", r"`\1`", text)  # :class:`torch.device` -> `torch.device`
    return text.replace("``", "`")
