"""Every process that computes a number the course prints runs in one numeric mode."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from docbuild import cache, numerics


def test_the_tests_compute_with_the_portable_kernels_on_one_thread():
    # pinned by the root conftest before torch loaded; torch reports what it actually uses
    assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
    assert torch.get_num_threads() == 1


def test_figure_workers_and_notebook_kernels_inherit_the_mode(monkeypatch):
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "avx2")  # a contributor's own setting does not leak in
    for env in (cache.worker_environment(), numerics.environment()):
        assert {k: env[k] for k in numerics.ENVIRONMENT} == numerics.ENVIRONMENT
    code = "import torch; print(torch.backends.cpu.get_cpu_capability(), torch.get_num_threads())"
    done = subprocess.run([sys.executable, "-c", code], env=numerics.environment(), capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["DEFAULT", "1"]


def test_the_mode_is_part_of_every_cache_key():
    assert cache.library_versions()["numerics"] == repr(sorted(numerics.ENVIRONMENT.items()))


def test_pinning_after_torch_loaded_is_refused():
    with pytest.raises(RuntimeError, match="before torch is imported"):
        numerics.pin()


def test_the_overview_tells_readers_the_same_settings():
    from docbuild.pages import DOCS

    shown = " ".join(f"{name}={value}" for name, value in numerics.ENVIRONMENT.items())
    for lang in ("en", "zh"):
        assert f"$ {shown} python\n" in (DOCS / lang / "01-overview.md").read_text(encoding="utf-8"), lang
