#!/usr/bin/env bash
# Set up (first time), build the site with its figures and notebooks, and serve it with live reload.
#   bash scripts/serve.sh            -> http://127.0.0.1:8000/ (中文) and /en/ (English)
# Environment: PORT (default 8000), COURSE_DEVICE=auto|cpu|cuda (default cpu) for figure training.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve -a "127.0.0.1:${PORT:-8000}" "$@"
