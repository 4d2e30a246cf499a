"""Device choice: CPU by default, CUDA only when present, clear errors otherwise."""

import pytest
import torch

from snippets.devices import resolve_device


def test_cpu_is_always_available():
    assert resolve_device() == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("has_cuda, expected", [(False, "cpu"), (True, "cuda")])
def test_auto_takes_cuda_only_when_present(monkeypatch, has_cuda, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: has_cuda)
    assert resolve_device("auto").type == expected


def test_cuda_without_a_gpu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="CUDA was requested but PyTorch sees no CUDA device.*--device cpu"):
        resolve_device("cuda")


def test_cuda_when_present(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("cuda") == torch.device("cuda")


def test_unknown_choice_is_rejected():
    with pytest.raises(ValueError, match="device must be one of auto, cpu, cuda, not 'gpu'"):
        resolve_device("gpu")
