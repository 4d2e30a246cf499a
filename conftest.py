"""Test-suite wiring. It sits at the repository root because pytest applies a conftest's hooks
only to the files below it, and the pages live in docs/, not tests/.

`docbuild.harness` runs every page of docs/en as one program through pytest-codeblocks (see its
docstring); figures drawn by the pages go to a screenless backend whose `plt.show()` closes them.
"""

import os

os.environ.setdefault("MPLBACKEND", "module://docbuild.headless")
# The blocks and unit tests work on small tensors: one thread is as fast, keeps timings steady
# and the printed numbers the same from run to run. (Set before torch is imported.)
os.environ.setdefault("OMP_NUM_THREADS", "1")

pytest_plugins = ["docbuild.harness"]
