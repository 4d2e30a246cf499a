"""mkdocs hooks: build figures and notebooks before the pages, render math into MathML.

mkdocs-static-i18n runs one build per language, so `on_pre_build` fires twice; the builders
are content-cached, and a no-change rebuild skips even the hashing (see STATE_FILE).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `docbuild` importable

from docbuild import cache, figures, mathml, notebook_page, notebooks  # noqa: E402

# mkdocs-jupyter under i18n copies notebooks in language folders as raw JSON unless they count
# as documentation pages (measured; see ../shared/TOOLCHAIN.md).
_is_page = File.is_documentation_page
File.is_documentation_page = lambda self: _is_page(self) or self.src_uri.endswith(".ipynb")


@event_priority(-200)
def on_config(config, **kwargs):
    # mkdocstrings reads theme.language before i18n switches it: English pages would get
    # Chinese section titles ("参数") without this.
    handler = config.plugins.get("mkdocstrings")
    if handler is not None:
        handler.handlers._locale = str(config.theme["language"]).replace("_", "-")
    return config


# The state of every input and output of the figure and notebook builders after the last good
# build. i18n calls on_pre_build once per language and `mkdocs serve` once per edit: when that
# state has not changed, there is nothing to check (this also skips importing matplotlib).
STATE_FILE = cache.CACHE_DIR / "last-good-build.json"


def on_pre_build(config, **kwargs):
    docs_dir = Path(config["docs_dir"])
    if docs_dir.name in notebooks.LANGUAGES:  # i18n may point docs_dir at a language folder
        docs_dir = docs_dir.parent
    state = _state(docs_dir)
    if STATE_FILE.is_file() and json.loads(STATE_FILE.read_text()) == state:
        return
    try:
        figures.build_figures(docs_dir, device=os.environ.get("COURSE_DEVICE", "cpu"))
        notebooks.build_notebooks(docs_dir)
    except (figures.FigureBuildError, notebooks.NotebookError, RuntimeError) as err:
        raise PluginError(str(err)) from err
    cache.atomic_write(STATE_FILE, json.dumps(_state(docs_dir)).encode())


def _state(docs_dir: Path) -> list:
    root = docs_dir.parent
    paths = [root / "pyproject.toml", *sorted((root / "snippets").rglob("*.py")),
             *sorted((root / "scripts").rglob("*.py")), *sorted(docs_dir.glob("*/notebooks/*")),
             *sorted(docs_dir.glob("*/figures/*"))]
    stats = [[str(p), p.stat().st_mtime_ns, p.stat().st_size] for p in paths if p.is_file()]
    settings = {name: os.environ.get(name) for name in ("COURSE_DEVICE", "COURSE_TORCH_THREADS")}
    return [settings, cache.library_versions(), stats]


def on_page_content(html, page, config, files):
    if _is_notebook(page):
        return notebook_page.download_button(html, Path(page.file.src_uri).name, page.file.src_uri.split("/")[0])
    try:
        return mathml.render_math(html, Path(page.file.abs_src_path))
    except mathml.MathError as err:
        raise PluginError(str(err)) from err


def on_post_page(output, page, config):
    if _is_notebook(page):
        return notebook_page.externalise_css(output, Path(page.file.abs_dest_path), Path(config["site_dir"]))
    return output


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")
