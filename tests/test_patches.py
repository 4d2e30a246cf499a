"""Each patch in docbuild.patches still has the internal it relies on, and is still needed.

When one of these fails after a version bump, read the patch's docstring: remove the patch if
upstream fixed the problem, or adapt it to the new internals.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from docbuild import patches


def test_pytest_codeblocks_runs_blocks_with_the_exec_we_replace():
    from pytest_codeblocks.plugin import TestBlock

    source = inspect.getsource(TestBlock.runtest)
    assert 'exec(self.obj.code, {"__MODULE__": "__main__"})' in source


def test_codeblocks_exec_patch_runs_and_then_restores_the_builtin():
    from pytest_codeblocks import plugin

    seen = []
    with patches.codeblocks_exec(lambda code, globals_: seen.append(code)):
        plugin.exec("x = 1", {})
    assert seen == ["x = 1"] and not hasattr(plugin, "exec")


def test_mkdocstrings_keeps_its_locale_where_the_patch_sets_it():
    from mkdocstrings._internal.handlers import base

    assert "self._locale = locale" in inspect.getsource(base.Handlers.__init__)
