"""Notebooks executed at build time: cached by content, a failing cell fails the build."""

from __future__ import annotations

import pytest

from docbuild import cache, notebooks

GOOD = "# %% [markdown]\n# A title\n\n# %%\nfrom toynb import VALUE\nprint(VALUE * 2)\n"
BAD = "# %%\nraise ValueError('cell exploded')\n"


@pytest.fixture
def docs(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "IMPORT_ROOTS", (tmp_path,))
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    (tmp_path / "toynb.py").write_text("VALUE = 21\n")
    for lang in notebooks.LANGUAGES:
        (tmp_path / "docs" / lang / "notebooks").mkdir(parents=True)
    return tmp_path / "docs"


def test_key_covers_source_and_imported_project_modules(docs):
    source = docs / "zh" / "notebooks" / "nb.py"
    source.write_text(GOOD)
    key = notebooks.notebook_key(source)
    assert notebooks.notebook_key(source) == key
    (docs.parent / "toynb.py").write_text("VALUE = 22\n")
    assert notebooks.notebook_key(source) != key
    source.write_text(GOOD + "\n# %%\nprint(1)\n")
    assert len({key, notebooks.notebook_key(source)}) == 2


def test_execute_runs_cells_and_keeps_outputs(docs, monkeypatch):
    monkeypatch.setattr(cache, "ROOT", docs.parent)  # the kernel's cwd: makes toynb importable
    source = docs / "en" / "notebooks" / "nb.py"
    source.write_text(GOOD)
    ran = []
    real_execute = notebooks.execute
    monkeypatch.setattr(notebooks, "execute", lambda src: ran.append(src) or real_execute(src))
    assert notebooks.build_notebooks(docs, log=lambda _: None) == {"en/notebooks/nb.py": "built"}
    executed = source.with_suffix(".ipynb").read_text()
    assert '"text": "42\\n"' in executed or "42" in executed
    assert notebooks.build_notebooks(docs, log=lambda _: None) == {"en/notebooks/nb.py": "cached"}
    assert len(ran) == 1  # the no-change build executed nothing


def test_failing_cell_fails_and_removes_the_old_output(docs, monkeypatch):
    monkeypatch.setattr(cache, "ROOT", docs.parent)
    source = docs / "zh" / "notebooks" / "broken.py"
    source.write_text(BAD)
    stale = source.with_suffix(".ipynb")
    stale.write_text("{}")
    with pytest.raises(notebooks.NotebookError, match=r"broken\.py: a cell failed:[\s\S]*cell exploded"):
        notebooks.build_notebooks(docs, log=lambda _: None)
    assert not stale.exists()
    assert not any((cache.CACHE_DIR / "notebooks").glob("*"))  # nothing cached as if it passed
