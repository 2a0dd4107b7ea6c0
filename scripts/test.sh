#!/usr/bin/env bash
# Set up everything the tests need (Python packages and Debian packages), then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser tests drive Debian's chromium (Playwright cannot download browsers here).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests ..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null  # with its recommended fonts, as tested
fi
# The breath sensor's estimator (ES modules) is tested under Node's own test runner.
command -v node >/dev/null || command -v nodejs >/dev/null || {
  echo "Installing Debian's nodejs for the breath estimator tests ..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs >/dev/null
}
# The records tests run on SQLite and on a throwaway PostgreSQL server (initdb/pg_ctl from Debian's
# postgresql), and read their PDFs back with poppler-utils; the workers tests need haproxy.
missing=""
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null || missing="postgresql"
command -v pdftotext >/dev/null || missing="$missing poppler-utils"
# The many-workers tests put Debian's HAProxy in front of several coach workers.
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing="$missing haproxy"
if [ -n "$missing" ]; then
  echo "Installing Debian's$missing for the records and workers tests ..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The browser tests check every page with axe-core (npm), kept in the gitignored .tools/npm.
if [ ! -f .tools/npm/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  echo "Installing axe-core for the accessibility checks ..." >&2
  mkdir -p .tools/npm && npm install --silent --no-audit --no-fund --prefix .tools/npm axe-core@4.10.3 >/dev/null
fi
bash scripts/setup.sh "dev,robot,web"
.venv/bin/python -m pytest "$@"
