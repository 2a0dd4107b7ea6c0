#!/usr/bin/env bash
# Make .venv in the repository root and install backrub with the extras named in $1, every
# dependency at the version pinned in requirements.lock (regenerate it with scripts/lock.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=".venv/.installed-${extras:-core}"
# Reinstall only when pyproject.toml or the lock changed since the last install of these extras.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  echo "Installing backrub${extras:+ with $extras} into .venv ..." >&2
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install --upgrade pip setuptools \
         && .venv/bin/python -m pip install --disable-pip-version-check -c requirements.lock -e "$spec"; } \
       >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  rm -f "$log"
  touch "$stamp"
fi
