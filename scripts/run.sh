#!/usr/bin/env bash
# Set up and plan a 30-minute massage from the example intake; draw it on the back.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
.venv/bin/backrub plan examples/intake.json --svg out/plan.svg
