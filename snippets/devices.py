"""Choosing where tensors live: CPU by default, CUDA when asked for and present."""

from __future__ import annotations

# --8<-- [start:imports]
import torch
# --8<-- [end:imports]

# --8<-- [start:resolve]
def resolve_device(choice: str = "cpu") -> torch.device:
    """Turn ``"auto"``, ``"cpu"`` or ``"cuda"`` into a :class:`torch.device`.

    Parameters
    ----------
    choice
        ``"cpu"`` always works; ``"cuda"`` requires a CUDA GPU; ``"auto"`` takes CUDA when one
        is available and the CPU otherwise.

    Raises
    ------
    ValueError
        If ``choice`` is not one of the three names.
    RuntimeError
        If ``"cuda"`` is requested on a machine where PyTorch sees no CUDA device.
    """
    choices = ("auto", "cpu", "cuda")
    if choice not in choices:
        raise ValueError(f"device must be one of {', '.join(choices)}, not {choice!r}")
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "CUDA was requested but PyTorch sees no CUDA device "
            f"(torch {torch.__version__}, built for CUDA: {torch.version.cuda or 'no'}). "
            "Use --device cpu or --device auto."
        )
    return torch.device(choice)
# --8<-- [end:resolve]
