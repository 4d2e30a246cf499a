#!/usr/bin/env bash
# Set up (first time) and build the whole site into site/: figures trained, notebooks executed,
# search indexed, strict (any warning fails). This is what the Pages workflow publishes.
#   bash scripts/build.sh [more mkdocs build options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs build --strict "$@"
