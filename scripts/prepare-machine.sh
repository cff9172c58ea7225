#!/usr/bin/env bash
# Brings what a fresh Debian machine with Node 20 lacks for the demo and the tests:
# the npm dependencies (npm ci) and Debian's redis-server. Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/vitest ] || [ ! -x node_modules/.bin/tsx ]; then
  echo "stripe-bulk: installing npm dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi

if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "stripe-bulk: installing Debian's redis-server package…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
  else
    echo "stripe-bulk: redis-server is missing. Install it (sudo apt-get install -y redis-server) or set REDIS_URL." >&2
    exit 1
  fi
fi
