#!/usr/bin/env bash
# npm runs `prepare` after `npm install`, `npm link` and `npm install -g .` in a checkout: build dist/ so the
# `stripe-bulk` bin (dist/bin/stripe-bulk.js) exists. `npm ci` skips it (the check is also inline in package.json,
# because the Dockerfile runs `npm ci` before this file is copied): CI and the image build explicitly when they need to.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${npm_command:-}" = "ci" ] || [ ! -f scripts/build.sh ] || [ ! -d src ]; then
  exit 0
fi
if [ ! -x node_modules/.bin/tsc ]; then
  echo "stripe-bulk: run \`npm ci\` first; the CLI is compiled with TypeScript from node_modules." >&2
  exit 1
fi
bash scripts/build.sh
