"""Make mkdocs-jupyter's notebook pages lighter and downloadable.

mkdocs-jupyter inlines the same ~570 kB stylesheet into every notebook page; we serve it once as
`assets/jupyter.css` (copied from the installed package at build time, never committed) so that
browsers cache it. Its `include_source` copies the .ipynb beside the page but shows no button;
we add one.
"""

from __future__ import annotations

import os
from functools import cache as memoize
from pathlib import Path

from docbuild.cache import atomic_write

DOWNLOAD = {"zh": "下载笔记本（.ipynb）", "en": "Download the notebook (.ipynb)"}


@memoize
def jupyter_css() -> str:
    from docbuild.patches import jupyter_stylesheet

    return jupyter_stylesheet()


def download_button(page_html: str, notebook_file: str, lang: str) -> str:
    link = (f'<p><a class="md-button" href="{notebook_file}" download>'
            f"{DOWNLOAD.get(lang, DOWNLOAD['en'])}</a></p>\n")
    return link + page_html


def externalise_css(output: str, page_dest: Path, site_dir: Path) -> str:
    """Replace the inline copy of mkdocs-jupyter's stylesheet with a link to one shared file."""
    css = jupyter_css()
    at = output.find(css)
    if at < 0:
        return output
    start = output.rfind("<style", 0, at)
    end = output.find("</style>", at) + len("</style>")
    target = site_dir / "assets" / "jupyter.css"
    if not target.is_file() or target.read_text(encoding="utf-8") != css:
        atomic_write(target, css.encode())
    href = os.path.relpath(target, page_dest.parent).replace(os.sep, "/")
    return f'{output[:start]}<link rel="stylesheet" href="{href}">{output[end:]}'
