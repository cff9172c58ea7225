#!/usr/bin/env bash
# Compiles the service to plain JavaScript in dist/ (what production runs: `node dist/src/worker.js`), with the
# files the modules read next to themselves (the limiter's Lua scripts, the upload page).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npx tsc -p tsconfig.build.json
cp src/rate-limit/*.lua dist/src/rate-limit/
cp -r src/http/public dist/src/http/
