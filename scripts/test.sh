#!/usr/bin/env bash
# Set up (first time, Chromium included) and run the whole test suite: unit tests of snippets/
# (100% coverage), every page as a program, guards, zh/en sync, the careless-edit checks, the
# strict site build and the browser test. Extra arguments go to pytest and select a subset
# (`bash scripts/test.sh -k sync`, `bash scripts/test.sh docs/en/03-gradient-descent.md`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export NO_MKDOCS_2_WARNING=1
# Keep compiled modules (and pytest's rewritten test modules) in __pycache__ (ignored by git):
# a machine that sets PYTHONDONTWRITEBYTECODE makes every pytest process, the workers and the
# ones the tests start, compile and rewrite everything again (about 4 s each).
unset PYTHONDONTWRITEBYTECODE
if [ $# -eq 0 ]; then
  # The whole suite on two worker processes (the machines have two cores); a page's blocks stay
  # on one worker, in order (loadfile), and the workers share one built site.
  set -- -n 2 --dist loadfile
fi
exec .venv/bin/python -m pytest "$@"
