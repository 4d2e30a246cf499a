"""The pytest plugin that runs every page as a program, through pytest-codeblocks.

What it proves is what a reader gets who copies the blocks of a page, in order, into a fresh
Python: every ```python block of a page (includes expanded exactly as shown, see
`docbuild.program`) runs in one namespace, top to bottom, with nothing injected; `__name__` is
"__main__", as in a script. pytest-codeblocks parses the expanded page, compares the shown
outputs and reports each block as one test (`docs/en/02-linear-model.md::line 57`); this plugin
gives the blocks of a page one shared namespace (see `docbuild.patches`), maps errors to the
Markdown or snippets line that raised, and checks at the end of a full run that every block the
pages contain was executed or skipped with a reason.

Code blocks are written once, in docs/en; docs/zh holds copies whose code differs only in
comments (tests/test_sync.py), so each block runs once for both languages.
"""

from __future__ import annotations

import io
import linecache
import re
import sys
import time
import traceback
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytest_codeblocks.main import extract_from_buffer
from pytest_codeblocks.plugin import MarkdownFile, TestBlock

from docbuild import outputs, pages, patches, program, records, settings
from docbuild.pages import SOURCE_LANGUAGE, display

# --- one namespace per page -------------------------------------------------------------------


@dataclass
class PageRun:
    """The state of one page's program: its namespace and which blocks have run."""

    module: types.ModuleType = field(default_factory=lambda: types.ModuleType("__main__"))
    done: set[int] = field(default_factory=set)  # page lines of the blocks that have run
    blocks: dict = field(default_factory=dict)  # compiled file name -> block, to map tracebacks
    failed: str | None = None  # where the first failing block is
    passed: set[int] = field(default_factory=set)  # blocks that ran with their output checked
    started: float | None = None  # when the first block ran

    def execute(self, block: "PageBlock", check_output: bool) -> None:
        """Run one block in the page namespace (through pytest-codeblocks when checking output)."""
        self.blocks[block.filename] = block
        self.started = self.started or time.perf_counter()
        linecache.cache[block.filename] = (len(block.source), None, block.source.splitlines(True), block.filename)
        code = compile(block.source, block.filename, "exec", dont_inherit=True)  # no __future__ of ours
        main = sys.modules.get("__main__")

        def run_in_page(_code, _fresh_globals=None, *args):
            # pytest-codeblocks would give each block fresh globals: the page shares one.
            sys.modules["__main__"] = self.module  # pickling by reference finds page classes
            try:
                exec(code, self.module.__dict__)  # noqa: S102 - running the page is the point
            except SystemExit as err:  # a reader's Python would stop here: the page is broken
                raise RuntimeError(f"the block calls sys.exit({err.code!r}): the rest of the page "
                                   "would not run") from err
            finally:
                sys.modules["__main__"] = main

        try:
            if check_output:
                with patches.codeblocks_exec(run_in_page):
                    TestBlock.runtest(block)
            else:
                with patches.quiet_stdout():
                    run_in_page(code)
        finally:
            self.done.add(block.page_line)


class PageFile(MarkdownFile):
    """A page of docs/en: pytest-codeblocks' blocks, with includes expanded first."""

    def collect(self):
        try:
            self.expanded = program.expand(Path(self.path))
        except program.PageError as err:
            raise self.CollectError(str(err)) from None
        self.run = PageRun()
        self.blocks: list[PageBlock] = []
        # The shown outputs as our parser reads them: pytest-codeblocks drops the blank lines of
        # an output indented inside an admonition, and would report a mismatch that is not one.
        # Keyed on the code without its blank lines, which pytest-codeblocks drops there too.
        shown = {_key(before.body): after for before, after in pages.read(Path(self.path), self.expanded.text).outputs()}
        for block in extract_from_buffer(io.StringIO(self.expanded.text)):
            if block.syntax != "python":
                continue  # the guards reject other executable fences
            output = shown.get(_key(block.code)) if block.expected_output is not None else None
            if output is not None:
                block.expected_output = output.body
            _, page_line = self.expanded.origin(block.lineno)
            item = PageBlock.from_parent(parent=self, name=f"line {page_line}")
            item.obj = block
            item.page_line = page_line
            item.output = output
            for mark in block.marks:
                item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))  # noqa: S307 - as pytest-codeblocks does
            self.blocks.append(item)
        self.lines = [b.page_line for b in self.blocks if not b.get_closest_marker("skip")]
        # unchanged since a session in which every block passed: replay that (docbuild.records)
        self.record, self.note = records.page_replayable(Path(self.path), self.expanded.text, self.lines)
        return self.blocks

    def passed(self, block: "PageBlock") -> None:
        """`block` ran and its output matched; once all have, record the clean run."""
        run = self.run
        run.passed.add(block.page_line)
        if run.failed is None and run.passed == set(self.lines):
            records.write_page(Path(self.path), self.expanded.text, self.lines, time.perf_counter() - run.started)


def _key(code: str) -> tuple[str, ...]:
    return tuple(line for line in code.splitlines() if line.strip())


class PageBlock(TestBlock):
    page_line: int
    output: pages.Fence | None  # the output fence it is checked against

    @property
    def page(self) -> PageFile:
        return self.parent

    @property
    def filename(self) -> str:
        return f"<{display(self.path)}:{self.page_line}>"

    @property
    def source(self) -> str:
        return self.obj.code

    def origin(self, row: int) -> tuple[str, int]:
        """Where line `row` (1-based) of this block's code was written."""
        return self.page.expanded.origin(self.obj.lineno + row)

    def setup(self):
        run = self.page.run
        if self.page.record:
            return
        if run.failed:
            pytest.skip(f"not run: the block at {run.failed} failed first, and this one follows it")
        # A block may depend on every block before it; a subset run (`-k`) runs those first.
        missing = [b for b in self.page.blocks if b.page_line < self.page_line
                   and b.page_line not in run.done and not b.get_closest_marker("skip")]
        if missing and not _selects_blocks(self.config):
            raise BlockError(f"{display(self.path)}:{self.page_line}: the blocks before this one ran in another "
                             "process: a page runs in one process, in order (pytest-xdist: --dist loadfile)")
        for earlier in missing:
            try:
                run.execute(earlier, check_output=False)
            except Exception as err:
                run.failed = f"{display(self.path)}:{earlier.page_line}"
                raise BlockError(earlier.describe(err)) from None

    def runtest(self):
        run = self.page.run
        if self.page.note:  # reaches the summary through the report (pytest-xdist's controller too)
            self.user_properties.append(("note", self.page.note))
            self.page.note = None
        if self.page.record:  # counted as replayed in the summary
            self.user_properties.append(("replayed", self.page.record["recorded"]))
            return
        try:
            run.execute(self, check_output=True)
        except RuntimeError as err:
            cause = err.__context__
            if cause is None:  # pytest-codeblocks: the output differs (the code itself ran)
                if self.output is None or not outputs.matches(self.output, _printed(err)):
                    raise BlockError(self.describe_output(err)) from None
            else:
                run.failed = f"{display(self.path)}:{self.page_line}"
                raise BlockError(self.describe(cause)) from None
        self.page.passed(self)

    def describe(self, err: BaseException) -> str:
        """The error, the line of the page (or snippets module) that raised, and the stack."""
        blocks = self.page.run.blocks
        stack = []
        for frame in traceback.extract_tb(err.__traceback__):
            block = blocks.get(frame.filename)
            if block is not None:
                file, line = block.origin(frame.lineno)
                how = (f" (in the block at line {block.page_line})" if file == display(block.path)
                       else f" (included by the block at {display(block.path)}:{block.page_line})")
                stack.append((f"{file}:{line}{how}", frame.line))
            elif "site-packages" not in frame.filename and "docbuild" not in frame.filename:
                stack.append((f"{display(Path(frame.filename))}:{frame.lineno}", frame.line))
        where = stack[-1][0] if stack else f"{display(self.path)}:{self.page_line}"
        lines = [f"{where}: {type(err).__name__}: {err}"]
        lines += [f"  {place.split(' (')[0]}: {code}" for place, code in stack]
        return "\n".join(lines)

    def describe_output(self, err: RuntimeError) -> str:
        import difflib

        expected = self.obj.expected_output or ""
        diff = difflib.unified_diff(expected.splitlines(), _printed(err).splitlines(), "shown on the page",
                                    "printed", lineterm="")
        approximate = self.output is not None and self.output.marker(outputs.APPROXIMATE)
        within = (f" (its numbers may differ by {outputs.REL_TOL:.0%} or {outputs.LAST_DIGITS} in the last digit; "
                  "these differ more)") if approximate else ""
        return (f"{display(self.path)}:{self.page_line}: the block prints something other than the output "
                f"shown below it{within}. Fix the code, or paste the real output (`scripts/sync_code.py --outputs`"
                " does it for every page):\n" + "\n".join(diff))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, BlockError):
            return str(excinfo.value)
        return super(TestBlock, self).repr_failure(excinfo)

    def reportinfo(self):
        return (self.path, self.page_line - 1, f"code block at line {self.page_line}")


def _printed(err: RuntimeError) -> str:
    """What the block printed, from pytest-codeblocks' message that it differs from the shown output."""
    return str(err).split("but got\n```\n", 1)[-1].removesuffix("```")


class BlockError(Exception):
    """A block failed; the message names the file and line."""


# --- pytest hooks -------------------------------------------------------------------------------


def pytest_configure(config):
    try:
        config.course_settings = settings.load()
    except settings.SettingsError as err:
        raise pytest.UsageError(str(err)) from None
    cov = config.pluginmanager.getplugin("_cov")
    if cov is not None and is_full_run(config):
        cov.options.cov_fail_under = 100  # the gate applies to the whole suite, not to a subset


def _narrowed(config) -> bool:
    o = config.option
    return bool(o.keyword or o.markexpr or getattr(o, "deselect", None) or getattr(o, "lf", False) or o.maxfail)


def _selects_blocks(config) -> bool:
    """The run picks some tests or blocks (`-k`, `--deselect`, `page.md::line 3`...), not whole files."""
    return _narrowed(config) or any("::" in a for a in config.args)


def _args(config) -> list[Path]:
    if config.args:
        return [Path(a.split("::")[0]).resolve() for a in config.args]
    return [Path(config.rootpath) / p for p in config.getini("testpaths")]


def is_full_run(config) -> bool:
    """No selection: every test and every page is in the run."""
    default = sorted(Path(config.rootpath, p).resolve() for p in config.getini("testpaths"))
    return not _narrowed(config) and sorted(_args(config)) == default


def expected_pages(config) -> list[Path] | None:
    """The source pages whose every block this run must execute (None: the run is narrowed)."""
    if _selects_blocks(config):
        return None
    root = (Path(config.rootpath) / "docs" / SOURCE_LANGUAGE).resolve()
    found = []
    for arg in _args(config):
        if arg.is_file() and arg.suffix == ".md" and arg.is_relative_to(root):
            found.append(arg)
        elif arg.is_dir() and (root.is_relative_to(arg) or arg.is_relative_to(root)):
            found += [p for p in sorted(root.rglob("*.md")) if p.is_relative_to(arg) or root.is_relative_to(arg)]
    return sorted(set(found))


def pytest_collect_file(file_path, parent):
    path = Path(file_path)
    source_pages = Path(parent.config.rootpath) / "docs" / SOURCE_LANGUAGE
    if path.suffix == ".md" and path.resolve().is_relative_to(source_pages.resolve()):
        return PageFile.from_parent(parent, path=path)
    return None


def pytest_collection_modifyitems(config, items):
    timeout = config.course_settings.codeblock_timeout_s
    for item in items:
        if isinstance(item, PageBlock):
            item.add_marker(pytest.mark.timeout(timeout))


# --- accounting, from the test reports (with pytest-xdist they reach the controller) ----------

_STATE: dict = {"outcomes": {}, "notes": set()}
_BLOCK = re.compile(r"^(?P<page>docs/[^:]+\.md)::line (?P<line>\d+)$")


def pytest_runtest_logreport(report):
    found = _BLOCK.match(report.nodeid)
    if not found:
        return
    where = (found["page"], int(found["line"]))
    outcomes = _STATE["outcomes"]
    _STATE["notes"].update(value for name, value in report.user_properties if name == "note")
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        outcomes[where] = ("skipped", reason.removeprefix("Skipped: "))
    elif report.failed:
        outcomes[where] = ("failed", "")
    elif report.when == "call":
        replayed = any(name == "replayed" for name, _ in report.user_properties)
        outcomes[where] = ("passed", "replayed" if replayed else "")


def block_kinds(paths: list[Path]) -> dict[tuple[str, int], str]:
    """{(page, line): verified | included | plain} for the ```python blocks of the pages."""
    kinds = {}
    for path in paths:
        page = pages.read(path)
        verified = {before.line for before, after in page.outputs()
                    if after.marker("pytest-codeblocks:expected-output")}
        for fence in page.fences:
            if fence.is_python:
                kind = "verified" if fence.line in verified else "included" if fence.includes else "plain"
                kinds[(display(page.path), fence.line)] = kind
    return kinds


def unaccounted_blocks(outcomes: dict, paths: list[Path] | None = None) -> list[str]:
    """Blocks the pages contain that did not run (nor were skipped with a reason), as file:line."""
    chosen = [p.path for p in pages.pages(SOURCE_LANGUAGE)] if paths is None else paths
    problems = []
    for (page, line), kind in block_kinds(chosen).items():
        state, reason = outcomes.get((page, line), ("", ""))
        if state not in {"passed", "skipped"}:
            problems.append(f"{page}:{line}: this ```python block was not executed: pytest-codeblocks did "
                            "not collect it, or it did not run. Every block must run (or carry "
                            '<!--pytest.mark.skip(reason="...")-->)')
        elif state == "skipped" and not reason.strip():
            problems.append(f"{page}:{line}: skipped without a reason")
    return problems


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")  # a pytest-xdist worker: the controller does the accounting


def pytest_sessionfinish(session, exitstatus):
    if _is_worker(session.config):
        return
    paths = expected_pages(session.config)
    _STATE["paths"] = paths
    if not paths or session.testsfailed:
        return
    problems = unaccounted_blocks(_STATE["outcomes"], paths)
    if problems:
        _STATE["problems"] = problems
        session.testsfailed += 1
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    if _is_worker(config):
        return
    outcomes = _STATE["outcomes"]
    if not outcomes and not _STATE.get("problems"):
        return
    pages_run = sorted({page for page, _ in outcomes})
    kinds = block_kinds([Path(config.rootpath) / p for p in pages_run])
    counts = Counter(state for state, _ in outcomes.values())
    for where, (state, how) in outcomes.items():
        if state == "passed":
            counts[kinds.get(where, "plain")] += 1
            counts["replayed"] += how == "replayed"
    write = terminalreporter.write_line
    terminalreporter.section("code blocks on the pages")
    write(f"{counts['passed']} of {len(outcomes)} blocks on {len(pages_run)} pages ran as one program per "
          f"page (once for both languages): {counts['verified']} verified against the output shown, "
          f"{counts['included']} showing code from snippets/, {counts['plain']} other; "
          f"{counts['skipped']} skipped; {counts['failed']} failed")
    if counts["replayed"]:
        replayed_pages = len({where[0] for where, (_, how) in outcomes.items() if how == "replayed"})
        write(f"  {counts['replayed']} of the passed blocks ({replayed_pages} pages) were replayed, not run: their "
              "pages and everything they run with are unchanged since a session in which they all passed "
              "(docbuild.records; COURSE_TEST_RECORDS=off runs them)")
    for note in sorted(_STATE["notes"]):
        write(f"  records: {note}")
    cascade = 0
    for (page, line), (state, reason) in sorted(outcomes.items()):
        if state == "skipped" and reason.startswith("not run: the block at"):
            cascade += 1
        elif state == "skipped":
            write(f"  skipped {page}:{line}: {reason}")
    if cascade:
        write(f"  {cascade} blocks were not run because a block before them on their page failed")
    for problem in _STATE.get("problems", []):
        write(f"ERROR {problem}", red=True)
