#!/usr/bin/env bash
# Set up everything the tests need (Python packages and Debian packages), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "dev,robot,web"
.venv/bin/python -m pytest "$@"
