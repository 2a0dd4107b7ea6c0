#!/usr/bin/env bash
# Regenerate requirements.lock: every package backrub and all its extras install, pinned, for
# Python 3.11 on any platform. Run it after changing dependencies in pyproject.toml, then commit
# both files; scripts/setup.sh (and so CI) installs through the lock, so what CI tests is what a
# user gets. Needs PyPI; uv is fetched into a throwaway environment when it is not installed.
#   bash scripts/lock.sh            regenerate from pyproject.toml (keeps pins that still fit)
#   bash scripts/lock.sh --upgrade  take the newest releases that fit
set -euo pipefail
cd "$(dirname "$0")/.."
uv=$(command -v uv || true)
if [ -z "$uv" ]; then
  tools=$(mktemp -d)
  trap 'rm -rf "$tools"' EXIT
  "${PYTHON:-python3}" -m venv "$tools/venv"
  "$tools/venv/bin/python" -m pip install --quiet uv
  uv="$tools/venv/bin/uv"
fi
extras=$(python3 -c "import tomllib; print(' '.join('--extra ' + e for e in tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']))")
# shellcheck disable=SC2086  # the extras are words
"$uv" pip compile pyproject.toml $extras --universal --python-version 3.11 --no-header --quiet \
  ${1:+"$@"} --output-file requirements.lock.new
{
  echo "# Pinned dependencies of backrub and all its extras (Python 3.11, any platform)."
  echo "# Made by scripts/lock.sh from pyproject.toml; do not edit by hand. See docs/web.md, \"Dependencies\"."
  grep -v '^#' requirements.lock.new
} > requirements.lock
rm -f requirements.lock.new
echo "requirements.lock: $(grep -c '==' requirements.lock) packages pinned" >&2
