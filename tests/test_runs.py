"""The shared run cache (docbuild.runs): a call is computed once per version of its code."""

from __future__ import annotations

import importlib
import sys

import pytest
import torch

from docbuild import cache, runs

TOY = '''CALLS = []


def train(epochs=3, device="cpu"):
    CALLS.append(epochs)
    return {"loss": [1.0 / (k + 1) for k in range(epochs)], "device": str(device)}
'''


@pytest.fixture
def toy(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "IMPORT_ROOTS", (tmp_path,))
    monkeypatch.setattr(cache, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.syspath_prepend(str(tmp_path))
    # the tests rewrite the module within a second at the same size: a .pyc would hide the edit
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    (tmp_path / "toyruns.py").write_text(TOY)

    def load():
        sys.modules.pop("toyruns", None)
        importlib.invalidate_caches()
        return importlib.import_module("toyruns")

    yield load
    sys.modules.pop("toyruns", None)


def test_a_call_is_computed_once_and_the_same_call_spelled_otherwise_hits(toy):
    module = toy()
    first = runs.cached(module.train, epochs=3)
    assert runs.cached(module.train, 3) == first
    assert runs.cached(module.train, epochs=3, device=torch.device("cpu")) == first
    assert module.CALLS == [3]
    runs.cached(module.train, epochs=4)
    assert module.CALLS == [3, 4]


def test_changed_code_recomputes_and_replaces_the_old_entry(toy, tmp_path):
    runs.cached(toy().train)
    (tmp_path / "toyruns.py").write_text(TOY.replace("1.0 /", "2.0 /"))
    module = toy()
    assert runs.cached(module.train)["loss"][0] == 2.0 and module.CALLS == [3]
    assert len(list((tmp_path / "cache" / "runs").glob("*.pickle"))) == 1


def test_a_damaged_entry_is_discarded_and_recomputed(toy, tmp_path, capsys):
    module = toy()
    runs.cached(module.train)
    entry = next((tmp_path / "cache" / "runs").glob("*.pickle"))
    entry.write_bytes(entry.read_bytes()[:5])
    assert runs.cached(module.train)["loss"] == [1.0, 0.5, 1.0 / 3]
    assert module.CALLS == [3, 3] and "discarding the damaged cache entry" in capsys.readouterr().out


def test_the_code_of_a_model_class_passed_in_is_part_of_the_key(toy, tmp_path):
    (tmp_path / "toymodels.py").write_text("class Net:\n    width = 1\n")
    (tmp_path / "toyruns.py").write_text(TOY + "\n\ndef fit(make_model, epochs=1):\n    CALLS.append(make_model.width)\n"
                                        "    return make_model.width\n")
    models = importlib.import_module("toymodels")
    module = toy()
    call, code = runs.keys(module.fit, (models.Net,), {})
    (tmp_path / "toymodels.py").write_text("class Net:\n    width = 2\n")
    sys.modules.pop("toymodels", None)
    importlib.invalidate_caches()
    changed = importlib.import_module("toymodels")
    new_call, new_code = runs.keys(module.fit, (changed.Net,), {})
    assert new_call == call, "the same call (the same class name)"
    assert new_code != code, "the class's module changed, so the cached run must not answer"
    sys.modules.pop("toymodels", None)
