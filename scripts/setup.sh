#!/usr/bin/env bash
# Set up everything the site and the tests need; safe to run again (it skips what is done).
#   bash scripts/setup.sh            # Python env (.venv) + CJK font for the figures
#   bash scripts/setup.sh --browser  # ... + Chromium for the browser test
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

# --- system packages (Debian/Ubuntu): a CJK font for Chinese figure labels, Chromium for tests ---
packages=()
if ! { command -v fc-list >/dev/null && fc-list | grep -qiE "WenQuanYi|Noto Sans CJK|Source Han Sans"; } \
   && [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  packages+=(fonts-wqy-microhei)
fi
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  packages+=(chromium)
fi
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" != none ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${packages[*]} (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    echo "setup: please install ${packages[*]} with your system's package manager" >&2
  fi
fi

# --- Python environment -----------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
# PyTorch is installed first and pinned (any open range pulls a multi-GB CUDA build). Which build
# comes from TORCH_INDEX_URL:
#   unset                                     pip's configured index: on PyPI the Linux wheel is the
#                                             CUDA build (several GB with the NVIDIA libraries); the
#                                             CI machines' pip finds the pinned CPU wheel on disk
#   https://download.pytorch.org/whl/cpu      the CPU-only build (192 MB download)
#   https://download.pytorch.org/whl/cu128    a CUDA 12.8 build (see pytorch.org for the others)
TORCH_INDEX_URL=${TORCH_INDEX_URL:-}
stamp="$VENV/.installed-$( (cat pyproject.toml; echo "$TORCH_INDEX_URL") | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into $VENV (first time: about 2 minutes)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  if [ -n "$TORCH_INDEX_URL" ]; then
    echo "setup: torch==2.13.0 from $TORCH_INDEX_URL"
    "$VENV/bin/python" -m pip install -q torch==2.13.0 --index-url "$TORCH_INDEX_URL"
  else
    echo "setup: torch==2.13.0 from pip's configured index ($("$VENV/bin/python" -m pip config get global.index-url 2>/dev/null || echo "PyPI"))"
    "$VENV/bin/python" -m pip install -q torch==2.13.0
  fi
  "$VENV/bin/python" -m pip install -q -e ".[docs,test]"
  "$VENV/bin/python" -c "import torch; print(f'setup: torch {torch.__version__}, CUDA build: {torch.version.cuda or \"no\"}')"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
