#!/usr/bin/env node
// Runs as compiled JavaScript (dist/bin/stripe-bulk.js, the package's "bin"): `npm install -g .` or `npm link` from a
// checkout puts it on PATH as `stripe-bulk`. In the checkout, `npm run cli -- …` runs this source through tsx.
import { basename, isAbsolute, relative } from 'node:path';
import { runCli } from '../src/cli/main.ts';

/** How the user ran the CLI, so that hints (`… wait imp_…`) print a command that works for them. */
function commandName(): string {
  if (process.env.npm_lifecycle_event === 'cli') return 'npm run cli --';
  const script = process.argv[1] ?? 'stripe-bulk';
  // The symlink npm puts on PATH is named after the bin; argv[1] is that link, not its target.
  if (basename(script) === 'stripe-bulk') return 'stripe-bulk';
  const rel = relative(process.cwd(), script);
  return `node ${rel.startsWith('..') || isAbsolute(rel) ? script : rel}`;
}

const controller = new AbortController();
// The first Ctrl-C stops waiting (the job goes on on the server); a second one exits at once.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  commandName: commandName(),
});
process.exitCode = code;
