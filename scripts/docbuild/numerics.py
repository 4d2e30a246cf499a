"""One numeric mode for every number the course prints, so that it is the same on any x86-64 CPU.

PyTorch picks its CPU kernels at run time: ATen's vectorised loops (AVX2 or AVX-512), MKL's
matrix products and oneDNN's convolutions each choose the widest instructions the processor
has. Wider vectors add floats in another order, so a training run printed on one machine ends
a few digits apart on another (measured: an AVX2 and an AVX-512 Xeon disagree on chapter 05's
polynomial fit and on the epoch chapter 07 leaves its plateau). The variables below pin each
library to its portable code path: ATen's default kernels, MKL's conditional numerical
reproducibility in its compatible branch, oneDNN's SSE4.1 kernels, on one thread.

The test harness, the figure workers, the notebook kernels and `sync_code.py --outputs` all
run in this mode, and the run and figure caches are keyed on it. It costs speed (the CNN
chapters' blocks take about 1.7 times as long), which is what exact, checkable outputs cost.
A reader's own run, without these variables, may differ in the last digits. Between Intel and AMD
processors some last bits still differ (measured: an AMD EPYC against the Intel machines); the few
runs that amplify them into the printed digits are compared approximately (`docbuild.outputs`).
"""

from __future__ import annotations

import os
import sys

# Read by the libraries when they start: they must be in the environment before torch loads.
ENVIRONMENT = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_CBWR": "COMPATIBLE",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def pin() -> None:
    """Put this process (and the processes it starts) in the course's numeric mode."""
    if "torch" in sys.modules:
        raise RuntimeError("docbuild.numerics.pin() must run before torch is imported "
                           "(torch has already chosen its CPU kernels)")
    os.environ.update(ENVIRONMENT)


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with the course's numeric mode on top."""
    return {**(os.environ if base is None else base), **ENVIRONMENT}
