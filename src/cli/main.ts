import type { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { ApiError, createApiClient } from './api-client.ts';
import { runExportCommand, type ExportCommandOptions } from './commands/export-command.ts';
import { runImportCommand, type ImportCommandOptions } from './commands/import-command.ts';
import {
  runScheduleCreate,
  runScheduleDelete,
  runSchedulesList,
  type ScheduleCreateOptions,
} from './commands/schedule-commands.ts';
import { runStatusCommand } from './commands/status-command.ts';
import type { CliContext } from './context.ts';
import { CliUsageError, EXIT_CODES, EXIT_CODES_HELP, InterruptedError } from './exit-codes.ts';

/** Where the CLI reads and writes; the bin passes the process's, tests their own. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

const DEFAULT_URL = 'http://127.0.0.1:3000';

interface GlobalOptions {
  url?: string;
  token?: string;
  pollInterval?: string;
}

function contextFrom(io: CliIo, globals: GlobalOptions): CliContext {
  const url = globals.url ?? io.env.STRIPE_BULK_URL ?? DEFAULT_URL;
  try {
    new URL(url);
  } catch {
    throw new CliUsageError(`--url: '${url}' is not a URL such as ${DEFAULT_URL}.`);
  }
  const pollIntervalMs = Number(globals.pollInterval ?? io.env.STRIPE_BULK_POLL_MS ?? 1000);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 50) throw new CliUsageError('--poll-interval must be at least 50 ms.');
  const token = globals.token ?? io.env.STRIPE_BULK_TOKEN ?? io.env.API_TOKEN;
  return {
    client: createApiClient({ baseUrl: url, token: token || undefined }),
    stdout: io.stdout,
    stderr: io.stderr,
    interactive: io.stderr.isTTY === true,
    pollIntervalMs,
    progressLineIntervalMs: Math.max(pollIntervalMs, 5_000),
    signal: io.signal,
    cwd: io.cwd,
  };
}

/** The filters shared by `export` and `schedule create`. */
function addExportFilters(command: Command): Command {
  return command
    .option('--created-gte <time>', 'only customers created at or after this time (ISO-8601 or unix seconds)')
    .option('--created-gt <time>', 'only customers created after this time')
    .option('--created-lte <time>', 'only customers created at or before this time')
    .option('--created-lt <time>', 'only customers created before this time')
    .option('--email <email>', "only customers with exactly this email (Stripe's filter is case-sensitive)")
    .option('--query <search>', "Stripe search syntax, e.g. \"metadata['plan']:'pro'\" (search trails writes by a minute or more)")
    .option('--columns <list>', 'comma-separated columns, in order (default: all)')
    .option('--metadata-columns <keys>', 'comma-separated metadata keys to flatten (default: every key present)')
    .option('--gzip', 'compress the file (.csv.gz)');
}

/** Builds the commander program; each action stores its exit code through `setExit`. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('stripe-bulk')
    .description('Import and export Stripe Customers in bulk through a stripe-bulk server.')
    .option('--url <url>', `the stripe-bulk server (env STRIPE_BULK_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'the API token (env STRIPE_BULK_TOKEN or API_TOKEN; prefer the env, flags show in ps)')
    .addOption(new Option('--poll-interval <ms>', 'how often to ask for progress (env STRIPE_BULK_POLL_MS)').hideHelp())
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run stripe-bulk --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const ctx = (command: Command): CliContext => contextFrom(io, command.optsWithGlobals<GlobalOptions>());

  program
    .command('import')
    .description('upload a CSV of customers; with --wait follow it and write <name>.results.csv next to it')
    .argument('<file>', 'the CSV file')
    .addOption(new Option('--mode <mode>', 'create: leave existing customers alone; upsert: update them').choices(['create', 'upsert']).default('create'))
    .option('--dry-run', 'look up only: report what would be created or updated, write nothing to Stripe', false)
    .option('--wait', 'show progress until the import ends, print the counts, download the results', false)
    .option('--results <file>', 'where --wait writes the results (default <name>.results.csv next to the input)')
    .action(async (file: string, options: ImportCommandOptions, command: Command) => {
      setExit(await runImportCommand(ctx(command), file, options));
    });

  addExportFilters(
    program
      .command('export')
      .description('export customers to CSV: waits with a progress bar, then downloads the file')
      .option('--out <file>', "where to write the file (default: the server's file name in the current directory)")
      .option('--no-wait', 'only queue the export and print its id'),
  ).action(async (options: ExportCommandOptions, command: Command) => {
    setExit(await runExportCommand(ctx(command), options));
  });

  program
    .command('status')
    .description('show an import (imp_…) or export (exp_…); the exit code reflects its outcome')
    .argument('<id>', 'imp_… or exp_…')
    .option('--json', 'print the raw JSON record', false)
    .action(async (id: string, options: { json: boolean }, command: Command) => {
      setExit(await runStatusCommand(ctx(command), id, options));
    });

  program
    .command('schedules')
    .description('list the export schedules with their next run')
    .option('--json', 'print the raw JSON', false)
    .action(async (options: { json: boolean }, command: Command) => {
      setExit(await runSchedulesList(ctx(command), options));
    });

  const schedule = program.command('schedule').description('create or delete an export schedule');
  addExportFilters(
    schedule
      .command('create')
      .description('export on a cron schedule (6 fields with seconds, or 5)')
      .requiredOption('--cron <pattern>', "cron pattern, e.g. '0 3 * * *' for 03:00 daily")
      .option('--tz <zone>', 'IANA time zone of the pattern, e.g. Europe/Paris (default UTC)')
      .option('--keep <n>', 'how many files of this schedule to keep'),
  ).action(async (options: ScheduleCreateOptions, command: Command) => {
    setExit(await runScheduleCreate(ctx(command), options));
  });
  schedule
    .command('delete')
    .description('remove an export schedule')
    .argument('<id>', 'the schedule id')
    .action(async (id: string, _options: unknown, command: Command) => {
      setExit(await runScheduleDelete(ctx(command), id));
    });

  for (const command of [...program.commands, ...schedule.commands]) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code; it never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
    if (err instanceof InterruptedError) {
      io.stderr.write(`\n${err.message}\n`);
      return EXIT_CODES.interrupted;
    }
    if (err instanceof ApiError || err instanceof CliUsageError) {
      io.stderr.write(`error: ${err.message}\n`);
      return EXIT_CODES.error;
    }
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_CODES.error;
  }
}
