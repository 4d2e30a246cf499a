"""Chapter {number:02d} ({en_title}): the code its page shows and its figures and tests use."""

from __future__ import annotations

# --8<-- [start:imports]
import torch
# --8<-- [end:imports]


# --8<-- [start:example]
def example(x: float, w: float = 2.0) -> float:
    """The model of the example: `x * w`.

    Parameters
    ----------
    x
        The input.
    w
        The weight.
    """
    return float(torch.tensor(x) * w)
# --8<-- [end:example]
