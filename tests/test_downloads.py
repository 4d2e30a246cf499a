"""A chapter's notebook and script are its page's program; the wheel is the `snippets` package."""

from __future__ import annotations

import ast
import io
import json
import tomllib
import zipfile

import pytest

from docbuild import chapters, downloads, pages, program, wheel
from docbuild.pages import LANGUAGES, SOURCE_LANGUAGE
from docbuild.settings import ROOT

SITE = "https://example.org/course/"
WRITTEN = chapters.written()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", WRITTEN, ids=lambda c: c.tag)
def test_the_notebook_holds_the_page_program_with_the_exercises_open(chapter, lang):
    page = pages.read(pages.DOCS / lang / chapter.page)
    blocks = program.code_blocks(program.expand(page.path, lang))
    cell_list = downloads.cells(chapter, lang, SITE)
    shown = [c.source for c in cell_list if c.kind == "code"]
    assert shown == [b.body for b in blocks if not b.in_solution], "code cells differ from the page's blocks"
    solutions = [b for b in blocks if b.in_solution]
    exercises = [c for c in cell_list if c.kind == "exercise"]
    assert bool(solutions) <= bool(exercises)
    nb = downloads.notebook(cell_list, lang)
    sources = "\n".join(c["source"] for c in nb["cells"])
    for block in solutions:  # a worked solution is not in the notebook, only an empty cell
        assert block.body.strip() not in sources
    assert nb["cells"][0]["source"].startswith(page.lines[0]), "the notebook starts with the chapter's title"
    assert downloads.page_url(SITE, chapter, lang) in nb["cells"][0]["source"]
    assert "<!--" not in sources, "marker comments leaked into the notebook"


@pytest.mark.parametrize("chapter", WRITTEN, ids=lambda c: c.tag)
def test_the_script_is_the_whole_program_and_parses(chapter):
    for lang in LANGUAGES:
        cell_list = downloads.cells(chapter, lang, SITE)
        text = downloads.script(chapter, lang, cell_list, SITE)
        ast.parse(text)  # a SyntaxError names the line
        for cell in cell_list:
            if cell.kind == "exercise":
                assert cell.solution in text
            elif cell.kind == "code" and cell.skipped is None:
                assert cell.source in text
            elif cell.kind == "code":  # shown on the page but not run: commented out with its reason
                assert cell.skipped in text and f"# {cell.source.splitlines()[0]}" in text


def test_skipped_blocks_become_markdown_with_their_reason():
    chapter = chapters.by_slug("09-softmax-classifier")
    cell_list = downloads.cells(chapter, "en", SITE)
    skipped = [c for c in cell_list if c.kind == "code" and c.skipped]
    assert skipped, "chapter 09 shows a block it does not run"
    nb = downloads.notebook(cell_list, "en")
    assert any(skipped[0].skipped in c["source"] and c["cell_type"] == "markdown" for c in nb["cells"])


def test_relative_links_point_at_the_published_site():
    line = "See [chapter 02](02-linear-model.md#loss), ![a curve](figures/ch02-mse.png) and [home](index.md)."
    assert downloads._absolute(line, SITE, "en") == (
        "See [chapter 02](https://example.org/course/en/02-linear-model/#loss), "
        "![a curve](https://example.org/course/en/figures/ch02-mse.png) and [home](https://example.org/course/en/).")
    assert "course/02-linear-model/" in downloads._absolute("[x](02-linear-model.md)", SITE, "zh")
    assert downloads._absolute("[x](https://pytorch.org) [y](#here)", SITE, "zh") == "[x](https://pytorch.org) [y](#here)"


def test_file_names_differ_per_language():
    for chapter in WRITTEN:
        names = {downloads.name(chapter, lang, ".ipynb") for lang in LANGUAGES}
        assert len(names) == len(LANGUAGES)
        assert downloads.name(chapter, "en", ".py").startswith(chapter.tag + "_")


def test_outputs_are_copied_to_every_language_in_cell_order():
    chapter = chapters.by_slug("03-gradient-descent")
    source = downloads.cells(chapter, SOURCE_LANGUAGE, SITE)
    code_cells = [c for c in downloads.notebook(source, SOURCE_LANGUAGE)["cells"] if c["cell_type"] == "code"]
    assert any(c["source"] == downloads.TEXT["en"]["your_code"].rstrip() for c in code_cells), "no open exercise"
    outputs = [([{"output_type": "stream", "name": "stdout", "text": f"cell {i}\n"}], i + 1)
               for i in range(len(code_cells))]
    nb = downloads.notebook(downloads.cells(chapter, "zh", SITE), "zh", outputs)
    zh_code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["outputs"][0]["text"] for c in zh_code] == [f"cell {i}\n" for i in range(len(outputs))]
    for en, zh in zip(code_cells, zh_code):  # the same cell, whose comments may be translated
        assert (en["source"] == downloads.TEXT["en"]["your_code"].rstrip()) == (zh["source"] == downloads.TEXT["zh"]["your_code"].rstrip())


@pytest.mark.recorded  # executes notebooks: replayed while nothing changed (tests/conftest.py)
def test_a_failing_cell_names_the_chapter_page(tmp_path, monkeypatch):
    chapter = chapters.by_slug("01-overview")
    broken = [downloads.Cell("markdown", "# 01\n"), downloads.Cell("code", "raise ValueError('boom')\n")]
    with pytest.raises(downloads.DownloadError, match=r"docs/en/01-overview.md: a cell of its notebook failed(.|\n)*boom"):
        downloads._execute_chapter(chapter, broken)


def test_the_wheel_holds_snippets_and_requires_what_pyproject_requires():
    data = wheel.build()
    assert data == wheel.build(), "the same sources must give the same wheel"
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert sorted(n for n in names if n.startswith("snippets/")) == sorted(
        f"snippets/{p.name}" for p in (ROOT / "snippets").glob("*.py"))
    assert not any(n.startswith("docbuild") for n in names)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    metadata = archive.read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert [ln.split(": ", 1)[1] for ln in metadata.splitlines() if ln.startswith("Requires-Dist")] == project["dependencies"]
    record = archive.read(next(n for n in names if n.endswith("/RECORD"))).decode()
    assert len(record.splitlines()) == len(names)
    assert wheel.filename() == f"{project['name'].replace('-', '_')}-{project['version']}-py3-none-any.whl"


@pytest.mark.recorded  # executes notebooks: replayed while nothing changed (tests/conftest.py)
def test_build_writes_every_download_and_caches_the_executed_notebooks(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads.cache, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(chapters, "written", lambda: (chapters.by_slug("01-overview"),))
    docs = tmp_path / "docs"
    (docs / "en" / downloads.FOLDER).mkdir(parents=True)
    stale = docs / "en" / downloads.FOLDER / "ch77_gone_en.ipynb"
    stale.write_text("{}")
    assert downloads.build_downloads(docs, SITE, log=lambda _: None) == {"ch01_overview_en.ipynb": "built"}
    assert not stale.exists(), "a download of a chapter that no longer exists was left behind"
    for lang in LANGUAGES:
        folder = docs / lang / downloads.FOLDER
        assert sorted(p.name for p in folder.iterdir()) == sorted(
            [f"ch01_overview_{lang}.ipynb", f"ch01_overview_{lang}.py", wheel.filename()])
        nb = json.loads((folder / f"ch01_overview_{lang}.ipynb").read_text(encoding="utf-8"))
        printed = "".join(o.get("text", "") for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])
        assert "PyTorch 2.13.0" in printed and "diabetes: 759 patients, 8 features" in printed
    assert downloads.build_downloads(docs, SITE, log=lambda _: None) == {"ch01_overview_en.ipynb": "cached"}
    entry = next((tmp_path / "cache" / downloads.FOLDER).glob("ch01.*.json"))
    entry.write_text("{trunc")  # a damaged entry is discarded and the notebook executed again
    assert downloads.build_downloads(docs, SITE, log=lambda _: None) == {"ch01_overview_en.ipynb": "built"}


@pytest.mark.recorded  # executes notebooks: replayed while nothing changed (tests/conftest.py)
def test_notebooks_run_on_one_thread_as_the_tests_do(tmp_path, monkeypatch):
    """Sums over threads differ in the last digit: the notebook must print the page's outputs."""
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    nb = downloads.notebook([downloads.Cell("code", "import torch\nprint(torch.get_num_threads())\n")], "en")
    assert downloads.execute(nb, tmp_path)[0][0][0]["text"] == "1\n"


def test_a_contributors_comment_stays_out_of_the_notebook(tmp_path, monkeypatch):
    chapter = WRITTEN[1]
    page = tmp_path / "docs" / "en" / chapter.page
    page.parent.mkdir(parents=True)
    page.write_text((pages.DOCS / "en" / chapter.page).read_text(encoding="utf-8") + "\n<!-- TODO: a figure -->\n",
                    encoding="utf-8")
    monkeypatch.setattr(pages, "DOCS", tmp_path / "docs")
    sources = "\n".join(c.source for c in downloads.cells(chapter, "en", SITE))
    assert "TODO" not in sources and "<!--" not in sources
