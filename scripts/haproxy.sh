#!/usr/bin/env bash
# Several coach workers on one PostgreSQL behind Debian's HAProxy (docs/web.md, "Many workers").
#
#   scripts/haproxy.sh start [N] [FIRST_PORT] [BIND]   workers on FIRST_PORT.. and HAProxy on BIND
#   scripts/haproxy.sh config [N] [FIRST_PORT] [BIND]  print the HAProxy config for N workers
#
# Defaults: 3 workers on 8001..8003, HAProxy on 127.0.0.1:8000. BACKRUB_DATABASE_URL must name the
# PostgreSQL server the workers share; extra `backrub serve` options go in BACKRUB_SERVE_OPTS
# (e.g. "--behind-proxy" when HAProxy serves https). Ctrl+C stops HAProxy and the workers.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-start}"; n="${2:-3}"; first="${3:-8001}"; bind="${4:-127.0.0.1:8000}"
case "$n$first" in *[!0-9]*) echo "haproxy.sh: N and FIRST_PORT are numbers" >&2; exit 2;; esac

config() {
  # The shipped config, with this bind address and one server line per worker.
  sed -e "s|^    bind 127.0.0.1:8000$|    bind $bind|" -e '/^    server w[0-9]* /d' "$here/deploy/haproxy.cfg"
  for i in $(seq 1 "$n"); do
    echo "    server w$i 127.0.0.1:$((first + i - 1)) check"
  done
}

case "$mode" in
  config) config ;;
  start)
    command -v haproxy >/dev/null || { echo "haproxy.sh: install Debian's haproxy (apt-get install haproxy)" >&2; exit 2; }
    [ -n "${BACKRUB_DATABASE_URL:-}" ] || { echo "haproxy.sh: set BACKRUB_DATABASE_URL=postgresql://USER@HOST/NAME (the workers share it)" >&2; exit 2; }
    cfg="$(mktemp "${TMPDIR:-/tmp}/backrub-haproxy.XXXXXX.cfg")"
    config >"$cfg"
    haproxy -c -q -f "$cfg"
    backrub="${BACKRUB:-$here/.venv/bin/backrub}"; [ -x "$backrub" ] || backrub=backrub
    # shellcheck disable=SC2086
    "$backrub" serve --workers "$n" --port "$first" ${BACKRUB_SERVE_OPTS:-} &
    workers=$!
    trap 'kill "$workers" 2>/dev/null; wait "$workers" 2>/dev/null; rm -f "$cfg"' EXIT INT TERM
    echo "HAProxy on http://$bind/ in front of $n workers (ports $first..$((first + n - 1)))" >&2
    haproxy -db -f "$cfg"
    ;;
  *) echo "usage: scripts/haproxy.sh start|config [N] [FIRST_PORT] [BIND]" >&2; exit 2 ;;
esac
