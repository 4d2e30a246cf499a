#!/usr/bin/env bash
# Set up (first time), build the site with its figures and downloads, and serve it with live reload.
#   bash scripts/serve.sh     -> http://127.0.0.1:8000/course/ (中文) and .../course/en/ (English)
# The path is the one of site_url in mkdocs.yml. Environment: PORT (default 8000),
# COURSE_DEVICE=auto|cpu|cuda (default cpu) for figure training.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
path=$(sed -n 's|^site_url: *https\?://[^/]*\(/.*\)$|\1|p' mkdocs.yml)
echo "serve: the site will be at http://127.0.0.1:${PORT:-8000}${path:-/} once it is built"
exec .venv/bin/mkdocs serve -a "127.0.0.1:${PORT:-8000}" "$@"
