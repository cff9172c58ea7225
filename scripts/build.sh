#!/usr/bin/env bash
# Compiles the service to plain JavaScript in dist/ (what production runs: `node dist/src/worker.js`, and the CLI's
# bin `dist/bin/stripe-bulk.js`), with the files the modules read next to themselves (the Lua scripts, the
# upload page). The tree is built aside and swapped in, so a process already running from dist/ (a test's worker, an
# installed CLI) never sees it half-written.
set -euo pipefail
cd "$(dirname "$0")/.."
next="dist.next.$$"
trap 'rm -rf "$next"' EXIT
# Not npx: under `npm install -g .` npx looks in the global prefix and would fetch a package named tsc.
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$next"
# Every Lua script is read next to the module that runs it.
find src jobs -name '*.lua' | while read -r lua; do cp "$lua" "$next/$lua"; done
cp -r src/http/public "$next/src/http/"
# The CLI's bin runs directly (`./dist/bin/stripe-bulk.js`), as npm's PATH link does.
chmod +x "$next/bin/stripe-bulk.js"
if [ -d dist ]; then
  old="dist.old.$$"
  mv dist "$old"
  mv "$next" dist
  rm -rf "$old"
else
  mv "$next" dist
fi
