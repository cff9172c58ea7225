import type { Writable } from 'node:stream';
import { Command, CommanderError, Option } from 'commander';
import { ApiError, createApiClient } from './api-client.ts';
import { addDeletionCommands } from './commands/delete-command.ts';
import { runAuditCommand, type AuditCommandOptions } from './commands/audit-command.ts';
import { runDeprovisionCommand, type DeprovisionCommandOptions } from './commands/deprovision-command.ts';
import { runExportCommand, type ExportCommandOptions } from './commands/export-command.ts';
import { runImportCommand, type ImportCommandOptions } from './commands/import-command.ts';
import {
  runScheduleCreate,
  runScheduleDelete,
  runSchedulesList,
  type ScheduleCreateOptions,
} from './commands/schedule-commands.ts';
import { runCancelCommand, runDownloadCommand, runResultsCommand, runWaitCommand } from './commands/job-commands.ts';
import { runStatusCommand } from './commands/status-command.ts';
import type { OutputOptions } from './output-files.ts';
import { EXPORT_OBJECTS } from '../exports/export-options.ts';
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
  /** How the user ran the CLI, repeated in hints; default `stripe-bulk` (the installed command). */
  commandName?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:3000';

interface GlobalOptions {
  url?: string;
  token?: string;
  pollInterval?: string;
}

/** Where the server URL came from, so an error blames what the user can fix. */
interface UrlChoice {
  url: string;
  /** `--url`, `STRIPE_BULK_URL`, or the default. */
  source: string;
}

function chooseUrl(io: CliIo, globals: GlobalOptions): UrlChoice {
  if (globals.url !== undefined) return { url: globals.url, source: '--url' };
  const fromEnv = io.env.STRIPE_BULK_URL;
  if (fromEnv !== undefined) {
    if (fromEnv.trim() === '') {
      throw new CliUsageError(
        `STRIPE_BULK_URL is set but empty: set it to the stripe-bulk server, e.g. STRIPE_BULK_URL=${DEFAULT_URL}, or unset it to use that default.`,
      );
    }
    return { url: fromEnv.trim(), source: 'STRIPE_BULK_URL' };
  }
  return { url: DEFAULT_URL, source: 'the default URL' };
}

function contextFrom(io: CliIo, globals: GlobalOptions, choice: UrlChoice): CliContext {
  let parsed: URL | undefined;
  try {
    parsed = new URL(choice.url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new CliUsageError(`${choice.source}: '${choice.url}' is not an http(s) URL such as ${DEFAULT_URL}.`);
  }
  const pollIntervalMs = Number(globals.pollInterval ?? io.env.STRIPE_BULK_POLL_MS ?? 1000);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 50) throw new CliUsageError('--poll-interval must be at least 50 ms.');
  const token = globals.token ?? io.env.STRIPE_BULK_TOKEN ?? io.env.API_TOKEN;
  return {
    client: createApiClient({ baseUrl: choice.url, token: token || undefined }),
    stdout: io.stdout,
    stderr: io.stderr,
    interactive: io.stderr.isTTY === true,
    pollIntervalMs,
    progressLineIntervalMs: Math.max(pollIntervalMs, 5_000),
    signal: io.signal,
    cwd: io.cwd,
    commandName: io.commandName ?? 'stripe-bulk',
  };
}

/** What to tell the user for an API error: what is wrong in their world and which setting fixes it. */
function explainApiError(err: ApiError, choice: UrlChoice | undefined, tokenGiven: boolean): string {
  const where = choice ? `${choice.source} (${choice.url})` : 'the server URL';
  if (err.notStripeBulk) {
    // A page's HTML is noise in a terminal: its title, if any, says what it is.
    const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(err.serverMessage)?.[1]?.trim();
    const said = /^\s*</.test(err.serverMessage) ? (title ? `: "${title}"` : '') : `: ${err.serverMessage}`;
    return (
      `${where} does not look like a stripe-bulk server: it answered like ${err.notStripeBulk} (HTTP ${err.status}${said}).\n` +
      `Point STRIPE_BULK_URL (or --url) at the stripe-bulk API, the one \`npm start\` or \`npm run demo -- --serve\` prints (default ${DEFAULT_URL}).`
    );
  }
  if (err.status === 0) {
    return `${err.message}\nIs the server running? The CLI looked at ${where}; set STRIPE_BULK_URL or pass --url to change it.`;
  }
  if (err.status === 401) {
    return tokenGiven
      ? `${err.message}\nThe server rejected the API token: set STRIPE_BULK_TOKEN (or pass --token) to the server's API_TOKEN.`
      : `${err.message}\nThe server requires an API token: set STRIPE_BULK_TOKEN (or pass --token) to the server's API_TOKEN.`;
  }
  return err.message;
}

/** The filters shared by `export` and `schedule create`. */
function addExportFilters(command: Command): Command {
  return command
    .addOption(
      new Option('--object <object>', 'what the file holds: customers (default), accounts (connected accounts, GET /v1/accounts) or team_members (Dashboard users over SCIM)').choices(
        EXPORT_OBJECTS,
      ),
    )
    .option('--created-gte <time>', 'only customers created at or after this time (ISO-8601 or unix seconds)')
    .option('--created-gt <time>', 'only customers created after this time')
    .option('--created-lte <time>', 'only customers created at or before this time')
    .option('--created-lt <time>', 'only customers created before this time')
    .option('--email <email>', "only customers with exactly this email (Stripe's filter is case-sensitive)")
    .option('--query <search>', "Stripe search syntax, e.g. \"metadata['plan']:'pro'\" (search trails writes by a minute or more)")
    .option('--columns <list>', 'comma-separated columns, in order (default: all)')
    .option('--metadata-columns <keys>', 'comma-separated metadata keys to flatten (default: every key present)')
    .option('--gzip', 'compress the file (.csv.gz)')
    .option('--account <acct_id>', "a connected account's customers (sent as Stripe-Account) instead of the platform's");
}

/** Runs a command's work with the context its options give, and stores the exit code it returns. */
type Act = (command: Command, work: (ctx: CliContext) => Promise<number>) => Promise<void>;

/** `--out` and `--overwrite`, with what `--out` names for this command. */
function withOutOptions(command: Command, what: string): Command {
  return command
    .option('--out <file>', what)
    .option('--overwrite', 'replace the --out file if it exists (without it, an existing file is kept and the command refuses)');
}

/** A command whose only argument is the id of what it acts on (`cancel`, `schedule delete`). */
function addIdCommand(parent: Command, name: string, description: string, argument: string): Command {
  return parent.command(name).description(description).argument('<id>', argument);
}

/** `import`, `export` and `wait`: start a job (or re-attach to one), follow it, download what it made. */
function addJobCommands(program: Command, act: Act): void {
  withOutOptions(
    program
      .command('import')
      .description('upload a CSV of customers, show its progress, then download its results')
      .argument('<file>', 'the CSV file (a relative path is read from the current folder)')
      .addOption(new Option('--mode <mode>', 'create: leave existing customers alone; upsert: update them').choices(['create', 'upsert']).default('create'))
      .option('--dry-run', 'look up only: report what would be created or updated, write nothing to Stripe', false)
      .option('--account <acct_id>', "import into this connected account's customers (sent as Stripe-Account)")
      .addOption(
        new Option('--dedupe <how>', 'lookup: per-row ?email= look-ups (case-sensitive); scan: first walk every customer, so any casing matches').choices(['lookup', 'scan']),
      )
      .option('--no-wait', 'only upload: print the import id and exit 0 (follow it later with `wait`)')
      .addOption(new Option('--wait', 'the default; kept for older scripts').hideHelp())
      .addOption(new Option('--results <file>', 'the old name of --out').hideHelp()),
    'where to write the results (default: <input>.<imp_id>.results.csv, or <input>.<imp_id>.dry-run.results.csv, in the current folder)',
  ).action((file: string, options: ImportCommandOptions, command: Command) => act(command, (ctx) => runImportCommand(ctx, file, options)));

  addExportFilters(
    withOutOptions(
      program
        .command('export')
        .description('export customers to CSV, show its progress, then download the file')
        .option('--no-wait', 'only queue the export: print its id and exit 0 (follow it later with `wait`)')
        .addOption(new Option('--wait', 'the default; kept for older scripts').hideHelp()),
      "where to write the file (default: the server's file name, customers-<exp_id>-<date>.csv, in the current folder)",
    ),
  ).action((options: ExportCommandOptions, command: Command) => act(command, (ctx) => runExportCommand(ctx, options)));

  withOutOptions(
    program
      .command('audit')
      .description('audit every customer (read-only), show its progress, then download the groups it found')
      .addOption(new Option('--kind <kind>', 'duplicate_emails: customers sharing an email once trimmed and lower-cased').default('duplicate_emails'))
      .option('--no-wait', 'only queue the audit: print its id and exit 0'),
    "where to write the file (default: the server's file name, duplicate-emails-<aud_id>.csv, in the current folder)",
  ).action((options: AuditCommandOptions, command: Command) => act(command, (ctx) => runAuditCommand(ctx, options)));

  withOutOptions(
    program
      .command('wait')
      .description('follow an import or export started earlier (after Ctrl-C or --no-wait), then download as import/export do')
      .argument('<id>', 'imp_… or exp_…'),
    'where to write the results or the file (defaults as for import and export)',
  ).action((id: string, options: OutputOptions, command: Command) => act(command, (ctx) => runWaitCommand(ctx, id, options)));
}

/** `deprovision FILE`: deactivate Dashboard team members over SCIM (never Customers, never a delete). */
function addDeprovisionCommand(program: Command, act: Act): void {
  withOutOptions(
    program
      .command('deprovision')
      .description('deactivate the Dashboard team members a CSV lists (email or id column) over SCIM; their API keys stay valid until rotated')
      .argument('<file>', 'the CSV file (a relative path is read from the current folder)')
      .option('--dry-run', 'report who would be deactivated, change nothing', false),
    'where to write the results (default: <input>.<dep_id>[.dry-run].results.csv in the current folder)',
  ).action((file: string, options: DeprovisionCommandOptions, command: Command) => act(command, (ctx) => runDeprovisionCommand(ctx, file, options)));
}

/** `results`, `download`, `cancel` and `status`: act on a job by its id. */
function addJobIdCommands(program: Command, act: Act): void {
  withOutOptions(
    program.command('results').description("download an import's results (the rows done so far while it runs)").argument('<imp_id>', 'imp_…'),
    'where to write them (default: <input>.<imp_id>[.dry-run].results.csv in the current folder)',
  ).action((id: string, options: OutputOptions, command: Command) => act(command, (ctx) => runResultsCommand(ctx, id, options)));

  withOutOptions(
    program.command('download').description('download the file of a finished export (started with --no-wait or by a schedule)').argument('<exp_id>', 'exp_…'),
    "where to write it (default: the server's file name in the current folder)",
  ).action((id: string, options: OutputOptions, command: Command) => act(command, (ctx) => runDownloadCommand(ctx, id, options)));

  addIdCommand(program, 'cancel', 'cancel an import or export: a queued one at once, a running one before its next write', 'imp_… or exp_…').action(
    (id: string, _options: unknown, command: Command) => act(command, (ctx) => runCancelCommand(ctx, id)),
  );

  program
    .command('status')
    .description('show an import (imp_…) or export (exp_…) with its rate and what is left; the exit code reflects its outcome')
    .argument('<id>', 'imp_… or exp_…')
    .option('--json', 'print the raw JSON record', false)
    .action((id: string, options: { json: boolean }, command: Command) => act(command, (ctx) => runStatusCommand(ctx, id, options)));
}

/** `schedules`, `schedule create` and `schedule delete`; returns the `schedule` command (its subcommands get the help). */
function addScheduleCommands(program: Command, act: Act): Command {
  program
    .command('schedules')
    .description("list the export schedules with their next run, in the schedule's time zone and in UTC")
    .option('--json', 'print the raw JSON', false)
    .action((options: { json: boolean }, command: Command) => act(command, (ctx) => runSchedulesList(ctx, options)));

  const schedule = program.command('schedule').description('create or delete an export schedule');
  addExportFilters(
    schedule
      .command('create')
      .description('export on a cron schedule (6 fields with seconds, or 5)')
      .requiredOption('--cron <pattern>', "cron pattern, e.g. '0 3 * * *' for 03:00 daily")
      .option('--tz <zone>', 'IANA time zone of the pattern, e.g. Europe/Paris (default UTC)')
      .option('--keep <n>', 'how many files of this schedule to keep'),
  ).action((options: ScheduleCreateOptions, command: Command) => act(command, (ctx) => runScheduleCreate(ctx, options)));
  addIdCommand(schedule, 'delete', 'remove an export schedule', 'the schedule id').action(
    (id: string, _options: unknown, command: Command) => act(command, (ctx) => runScheduleDelete(ctx, id)),
  );
  return schedule;
}

/** Builds the commander program; each action stores its exit code through `setExit`. */
export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  onContext: (choice: UrlChoice, tokenGiven: boolean) => void = () => undefined,
): Command {
  const program = new Command('stripe-bulk')
    .description('Move Stripe customers, connected accounts and Dashboard team members in bulk through a stripe-bulk server.')
    .option('--url <url>', `the stripe-bulk server (env STRIPE_BULK_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'the API token (env STRIPE_BULK_TOKEN or API_TOKEN; prefer the env, flags show in ps)')
    .addOption(new Option('--poll-interval <ms>', 'how often to ask for progress (env STRIPE_BULK_POLL_MS)').hideHelp())
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run stripe-bulk --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const act: Act = async (command, work) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    const choice = chooseUrl(io, globals);
    onContext(choice, Boolean(globals.token ?? io.env.STRIPE_BULK_TOKEN ?? io.env.API_TOKEN));
    setExit(await work(contextFrom(io, globals, choice)));
  };
  addJobCommands(program, act);
  addJobIdCommands(program, act);
  addDeletionCommands(program, act);
  addDeprovisionCommand(program, act);
  const schedule = addScheduleCommands(program, act);
  for (const command of [...program.commands, ...schedule.commands]) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code; it never calls process.exit. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT_CODES.ok;
  let choice: UrlChoice | undefined;
  let tokenGiven = false;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    (c, t) => {
      choice = c;
      tokenGiven = t;
    },
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.error;
    if (err instanceof InterruptedError) {
      io.stderr.write(`\n${err.message} Re-attach with: ${io.commandName ?? 'stripe-bulk'} wait ${err.jobId}\n`);
      return EXIT_CODES.interrupted;
    }
    if (err instanceof ApiError) {
      io.stderr.write(`error: ${explainApiError(err, choice, tokenGiven)}\n`);
      return EXIT_CODES.error;
    }
    io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_CODES.error;
  }
}
