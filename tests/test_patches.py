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


def test_i18n_still_copies_notebooks_unless_they_count_as_pages():
    from mkdocs.structure.files import File

    page = File("zh/notebooks/ch02.ipynb", "docs", "site", use_directory_urls=True)
    patches.notebooks_are_pages()
    patches.notebooks_are_pages()  # idempotent: i18n loads the hooks once per language
    assert not File.is_documentation_page.original(page), "mkdocs now treats notebooks as pages: drop the patch?"
    assert page.is_documentation_page()
    assert File("zh/x.md", "docs", "site", use_directory_urls=True).is_documentation_page()
    assert not File("zh/x.png", "docs", "site", use_directory_urls=True).is_documentation_page()


def test_mkdocstrings_keeps_its_locale_where_the_patch_sets_it():
    from mkdocstrings._internal.handlers import base

    assert "self._locale = locale" in inspect.getsource(base.Handlers.__init__)


def test_mkdocs_jupyter_still_inlines_the_stylesheet_the_build_externalises():
    import mkdocs_jupyter

    template = Path(mkdocs_jupyter.__file__).parent / "templates" / "mkdocs_html" / "notebook.html.j2"
    assert 'resources.include_css("mkdocs_html/assets/index.css")' in template.read_text(encoding="utf-8")
    assert len(patches.jupyter_stylesheet()) > 100_000
