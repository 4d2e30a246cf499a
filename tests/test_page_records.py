"""What a page record's key covers (docbuild.page_records); replaying is tested on real runs in
test_codeblock_harness."""

from __future__ import annotations

import shutil
from importlib import metadata

from docbuild import numerics, page_records
from docbuild.settings import ROOT


def _project(tmp_path):
    for tree in ("snippets", "scripts/docbuild"):
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_the_key_changes_with_the_code_the_pages_run_with(tmp_path):
    root = _project(tmp_path)
    before = page_records.environment_digest(root)
    assert page_records.environment_digest(root) == before, "the digest is not stable"
    for edited in ("snippets/devices.py", "scripts/docbuild/harness.py", "conftest.py", "pyproject.toml"):
        path = root / edited
        text = path.read_text(encoding="utf-8")
        path.write_text(text + "\n# edited\n", encoding="utf-8")
        assert page_records.environment_digest(root) != before, f"an edit of {edited} keeps the key"
        path.write_text(text, encoding="utf-8")
    (root / "snippets" / "new_module.py").write_text("X = 1\n", encoding="utf-8")
    assert page_records.environment_digest(root) != before, "a new snippets module keeps the key"


def test_the_key_changes_with_the_libraries_the_numeric_mode_and_the_settings(tmp_path, monkeypatch):
    root = _project(tmp_path)
    before = page_records.environment_digest(root)
    real = metadata.distributions
    monkeypatch.setattr(metadata, "distributions", lambda: [d for d in real() if d.metadata["Name"] != "numpy"])
    assert page_records.environment_digest(root) != before, "another set of installed libraries keeps the key"
    monkeypatch.setattr(metadata, "distributions", real)
    monkeypatch.setitem(numerics.ENVIRONMENT, "ATEN_CPU_CAPABILITY", "avx512")
    assert page_records.environment_digest(root) != before, "another numeric mode keeps the key"
    monkeypatch.undo()
    monkeypatch.setenv("COURSE_TORCH_THREADS", "2")
    assert page_records.environment_digest(root) != before, "another thread count keeps the key"
    monkeypatch.setenv("COURSE_TORCH_THREADS", "1")
    assert page_records.environment_digest(root) == before


def test_the_key_changes_with_the_page():
    text = "# P\n\n```python\nprint(1)\n```\n"
    assert page_records.key(text) == page_records.key(text)
    assert page_records.key(text) != page_records.key(text.replace("1", "2"))
