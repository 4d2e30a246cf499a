"""Every patch of a third-party internal, in one place, each with what it works around.

The versions are pinned in pyproject.toml; tests/test_patches.py fails when a patched internal
changes (a new release behind a version bump), so that a patch never silently stops working.
"""

from __future__ import annotations

import contextlib
import io
import sys


# --- pytest-codeblocks 0.18: one namespace per page ---------------------------------------------


@contextlib.contextmanager
def codeblocks_exec(run):
    """Make pytest-codeblocks run a block with `run(code, globals)` instead of `exec`.

    `TestBlock.runtest` executes every block with `exec(code, {"__MODULE__": "__main__"})`, a
    fresh namespace per block; upstream's only way to share state is the `cont` marker
    (nschloe/pytest-codeblocks#22), which glues blocks into one test and loses their separate
    outputs. Setting the module global `exec` shadows the builtin inside `runtest` only.
    """
    from pytest_codeblocks import plugin

    plugin.exec = run
    try:
        yield
    finally:
        del plugin.exec


@contextlib.contextmanager
def quiet_stdout():
    old, sys.stdout = sys.stdout, io.StringIO()
    try:
        yield
    finally:
        sys.stdout = old


# --- mkdocs + mkdocs-static-i18n + mkdocstrings ----------------------------------------------------


def mkdocstrings_locale(config) -> None:
    """mkdocstrings 1.0 reads `theme.language` once, before mkdocs-static-i18n switches it per
    language build, so English API pages get Chinese section titles ("参数"). Setting the
    handlers' private `_locale` for each build fixes it (related: mkdocstrings/mkdocstrings#565,
    whose i18n support has no per-build locale)."""
    plugin = config.plugins.get("mkdocstrings")
    if plugin is not None:
        plugin.handlers._locale = str(config.theme["language"]).replace("_", "-")
