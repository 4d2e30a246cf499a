"""Test-suite wiring. It sits at the repository root because pytest applies a conftest's hooks
only to the files below it, and the pages live in docs/, not tests/.

`docbuild.harness` runs every page of docs/en as one program through pytest-codeblocks (see its
docstring); figures drawn by the pages go to a screenless backend whose `plt.show()` closes them.
"""

import os

from docbuild import numerics

os.environ.setdefault("MPLBACKEND", "module://docbuild.headless")
# Pages and unit tests compute in the course's numeric mode (one thread, portable kernels), so
# the printed numbers they check are the same on every machine. Set before torch is imported.
numerics.pin()

pytest_plugins = ["docbuild.harness"]
