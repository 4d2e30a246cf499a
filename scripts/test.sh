#!/usr/bin/env bash
# Set up (first time, Chromium included) and run the whole test suite: unit tests of snippets/
# (100% coverage), every code block on every page, guards, zh/en parity, the strict site build
# and the browser test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export NO_MKDOCS_2_WARNING=1
# Playwright's sync API leaves its asyncio loop to the garbage collector at exit; Python then
# prints a ResourceWarning after pytest's summary. It is noise, not a test result.
exec .venv/bin/python -W "ignore:unclosed event loop:ResourceWarning" -m pytest "$@"
