"""Test-suite wiring for the Markdown code blocks that pytest-codeblocks runs.

It sits at the repository root because pytest calls a conftest's item hooks only for items below
it, and the code blocks live in docs/, not tests/.


- A block made only of `--8<--` include lines is not Python pytest-codeblocks could run; it is
  rewritten to execute the included text inside its snippets module's namespace, so what the
  page shows from snippets/ still runs here (and is counted as "included").
- Every code block gets a time limit: a hanging block fails, named `docs/<page>.md::line N`.
- The run ends with a count of blocks executed, verified against shown output, included from
  snippets/ and skipped (with their reasons).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import torch

from docs_markdown import INCLUDE, include_text, module_name

# The blocks work on tiny tensors: one thread is as fast and keeps timings stable on a busy machine.
torch.set_num_threads(1)

CODEBLOCK_TIMEOUT_S = float(os.environ.get("COURSE_CODEBLOCK_TIMEOUT_S", 60))

_kinds: dict[str, str] = {}  # nodeid -> "verified" | "included" | "plain"
_outcomes: Counter = Counter()
_skips: list[tuple[str, str]] = []
_failures: list[str] = []


def _is_codeblock(item) -> bool:
    return type(item).__name__ == "TestBlock" and hasattr(item, "obj")


def _include_program(code: str) -> str | None:
    lines = [ln for ln in code.splitlines() if ln.strip()]
    matches = [INCLUDE.match(ln) for ln in lines]
    if not lines or not all(matches):
        return None
    parts = []
    for match in matches:
        try:
            text = include_text(match)
        except (OSError, LookupError) as err:
            return f"raise LookupError({str(err)!r})\n"
        module = module_name(match["path"])
        lines = text.splitlines(keepends=True)
        future = "".join(ln for ln in lines if ln.startswith("from __future__ import"))
        body = "".join(ln for ln in lines if not ln.startswith("from __future__ import"))
        prelude = f"globals().update(vars(__import__('importlib').import_module({module!r})))\n"
        parts.append(future + prelude + body)  # __future__ imports must come first
    return "\n".join(parts)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not _is_codeblock(item):
            continue
        item.add_marker(pytest.mark.timeout(CODEBLOCK_TIMEOUT_S))
        block = item.obj
        program = _include_program(block.code) if block.syntax == "python" else None
        if program is not None:
            block.code = program
            _kinds[item.nodeid] = "included"
        else:
            _kinds[item.nodeid] = "verified" if block.expected_output is not None else "plain"


def pytest_runtest_logreport(report):
    kind = _kinds.get(report.nodeid)
    if kind is None:
        return
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skips.append((report.nodeid, reason.removeprefix("Skipped: ")))
    elif report.failed:
        _failures.append(report.nodeid)
    elif report.when == "call":
        _outcomes[kind] += 1


def pytest_terminal_summary(terminalreporter):
    if not _kinds:
        return
    write = terminalreporter.write_line
    executed = sum(_outcomes.values())
    terminalreporter.section("code blocks on the pages")
    write(
        f"{executed} executed: {_outcomes['verified']} verified against shown output, "
        f"{_outcomes['included']} included from snippets/, {_outcomes['plain']} run without shown "
        f"output; {len(_skips)} skipped; {len(_failures)} failed"
    )
    for nodeid, reason in _skips:
        write(f"  skipped {nodeid}: {reason}")
    for nodeid in _failures:
        write(f"  FAILED {nodeid}")

