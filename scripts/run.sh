#!/usr/bin/env bash
# Set up (.venv with the web extra) and start the web coach; it prints the address to open.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh web
exec .venv/bin/backrub serve "$@"
