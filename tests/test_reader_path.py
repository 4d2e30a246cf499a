"""A reader with only the published site and the package index gets a chapter running.

The test follows chapter 01's setup in a fresh virtual environment outside the repository:
install the pinned torch, install the course's wheel from the built site, download a chapter's
notebook and script from the built site, run both. The notebook's code cells run in order in
that environment and must print what the notebook (executed at build time) shows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from docbuild import chapters, downloads, pages, wheel

CHAPTER = chapters.by_slug("03-gradient-descent")

# Runs inside the reader's environment: every code cell in one namespace, stdout per cell.
_RUN_CELLS = """
import contextlib, io, json, sys
cells = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
printed = []
for source in cells:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<cell>", "exec"), namespace)
    printed.append(out.getvalue())
json.dump(printed, sys.stdout)
"""


def _commands(page_text: str) -> list[str]:
    """The `$ pip install ...` lines of chapter 01's setup, in order."""
    return [ln.strip()[2:] for ln in page_text.splitlines() if ln.strip().startswith("$ pip install")]


def test_a_fresh_environment_runs_a_chapter_from_the_site_alone(built_site, tmp_path):
    setup = (pages.DOCS / "en" / "01-overview.md").read_text(encoding="utf-8")
    installs = _commands(setup)
    cpu = next(c for c in installs if c.startswith("pip install torch==") and "whl/cpu" in c)
    course = next(c for c in installs if wheel.filename() in c)
    site_url = downloads.configured_site_url()
    assert course == f"pip install {site_url}downloads/{wheel.filename()}", "chapter 01 names another wheel URL"

    venv = tmp_path / "reader-env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "COV_", "COVERAGE"))}
    env["MPLBACKEND"] = "Agg"  # no screen here; a reader's plt.show() opens a window

    def run(*argv, cwd=tmp_path):
        done = subprocess.run([str(python), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    # Torch first, pinned. The page's CPU index is not reachable from the test machines; pip's
    # configured index holds the same pinned CPU wheel, so only the --index-url part is dropped.
    # --no-compile: the reader's Python writes the .pyc files it needs when it imports; writing
    # all of torch's up front is most of the install's time.
    run("-m", "pip", "install", "-q", "--no-compile", re.sub(r"\s*--index-url\s+\S+", "", cpu).split(" ", 2)[2])
    # The course's code: the wheel as the published site serves it (the built site, offline).
    served = built_site.site / "downloads" / wheel.filename()
    run("-m", "pip", "install", "-q", "--no-compile", str(served))
    downloads_dir = tmp_path / "downloads"
    downloads_dir.mkdir()
    for name in (downloads.name(CHAPTER, "en", ".ipynb"), downloads.name(CHAPTER, "en", ".py")):
        shutil.copy(built_site.site / "en" / "downloads" / name, downloads_dir / name)

    run(downloads.name(CHAPTER, "en", ".py"), cwd=downloads_dir)
    nb = json.loads((downloads_dir / downloads.name(CHAPTER, "en", ".ipynb")).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    (tmp_path / "cells.json").write_text(json.dumps([c["source"] for c in code]), encoding="utf-8")
    (tmp_path / "run_cells.py").write_text(_RUN_CELLS, encoding="utf-8")
    printed = json.loads(run(str(tmp_path / "run_cells.py"), str(tmp_path / "cells.json"), cwd=downloads_dir))
    expected = ["".join(o.get("text", "") for o in c["outputs"] if o.get("name") == "stdout") for c in code]
    assert printed == expected
    assert any(expected), "the notebook shows no output to compare"
