"""A reader with only the published site and the package index gets a chapter running.

The test follows chapter 01's setup in a virtual environment of its own: install the pinned
torch, install the course's wheel from the built site, download a chapter's notebook and script
from the built site, run both (outside the repository). The environment, torch in it, is kept in
the cache under a key of what went into it; the course's wheel is reinstalled on every run. The notebook's code cells run in order in
that environment and must print what the notebook (executed at build time) shows.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from docbuild import chapters, downloads, pages, settings, wheel

pytestmark = pytest.mark.recorded  # runs the project's tools: replayed while nothing changed (tests/conftest.py)

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


def _reader_environ() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "COV_", "COVERAGE"))}
    env["MPLBACKEND"] = "Agg"  # no screen here; a reader's plt.show() opens a window
    return env


def _reader_env(torch_requirement: str, served_wheel) -> "os.PathLike":
    """The python of a virtual environment made as chapter 01 says: torch first, pinned, then the
    course's wheel with its dependencies. Installing torch takes a minute, so the environment is
    kept in the cache, keyed on what went into it (Python, the torch requirement, the wheel's
    Requires-Dist); the test reinstalls the course's wheel itself each time."""
    with zipfile.ZipFile(served_wheel) as built:
        meta = next(n for n in built.namelist() if n.endswith(".dist-info/METADATA"))
        requires = sorted(ln for ln in built.read(meta).decode().splitlines() if ln.startswith("Requires-Dist:"))
    facts = json.dumps([sys.version, sys.executable, torch_requirement, requires])
    venv = settings.load().cache_dir / "reader-env" / hashlib.sha256(facts.encode()).hexdigest()[:16]
    python, ready = venv / "bin" / "python", venv / "complete"
    if ready.is_file():
        return python
    shutil.rmtree(venv, ignore_errors=True)  # an environment whose making was interrupted
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    for argv in ([torch_requirement], [str(served_wheel)]):
        # --no-compile: the reader's Python writes the .pyc files it needs when it imports;
        # writing all of torch's up front is most of the install's time.
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-compile", *argv],
                              env=_reader_environ(), capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"pip install {argv[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    ready.write_text(facts, encoding="utf-8")
    return python


def test_a_fresh_environment_runs_a_chapter_from_the_site_alone(built_site, tmp_path):
    setup = (pages.DOCS / "en" / "01-overview.md").read_text(encoding="utf-8")
    installs = _commands(setup)
    cpu = next(c for c in installs if c.startswith("pip install torch==") and "whl/cpu" in c)
    course = next(c for c in installs if wheel.filename() in c)
    site_url = downloads.configured_site_url()
    assert course == f"pip install {site_url}downloads/{wheel.filename()}", "chapter 01 names another wheel URL"

    served = built_site.site / "downloads" / wheel.filename()  # the wheel as the published site serves it
    python = _reader_env(re.sub(r"\s*--index-url\s+\S+", "", cpu).split(" ", 2)[2], served)
    env = _reader_environ()

    def run(*argv, cwd=tmp_path):
        done = subprocess.run([str(python), *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"{' '.join(argv)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    # The course's code, installed afresh every time (its dependencies are in the environment).
    run("-m", "pip", "install", "-q", "--no-compile", "--force-reinstall", "--no-deps", str(served))
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
