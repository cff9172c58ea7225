import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import { formatDuration } from './format.ts';

/** One observation of a job's progress. */
export interface ProgressState {
  value: number;
  /** Unknown for exports (the number of customers is only known at the end). */
  total?: number | undefined;
  /** Extra text after the rate, e.g. `3 failed` or `42 pages, 1.2 MB`. */
  detail?: string;
}

/** Shows progress: a live bar on a terminal, a plain line every few seconds otherwise (CI logs, pipes). */
export interface ProgressReporter {
  update(state: ProgressState): void;
  /** Removes nothing: leaves the last bar on screen and ends its line. */
  stop(): void;
}

/** Options of createProgressReporter. */
export interface ProgressOptions {
  stream: Writable;
  /** Draw a live bar; callers pass `stream.isTTY === true`. */
  interactive: boolean;
  /** e.g. `import imp_123`. */
  label: string;
  /** e.g. `rows` or `customers`. */
  unit: string;
  /** Minimum time between two plain lines when not interactive. */
  lineIntervalMs?: number;
  now?: () => number;
}

/** Keeps recent samples so the rate reflects the last seconds rather than the whole run (which starts queued). */
const RATE_WINDOW_MS = 10_000;

/** Rate per second over the recent window, and the ETA it implies. */
export class RateMeter {
  private readonly samples: Array<{ at: number; value: number }> = [];

  add(at: number, value: number): void {
    this.samples.push({ at, value });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - RATE_WINDOW_MS) this.samples.shift();
  }

  /** Undefined until two samples span some time. */
  rate(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at <= first.at) return undefined;
    return Math.max(0, ((last.value - first.value) * 1000) / (last.at - first.at));
  }

  etaSeconds(value: number, total: number | undefined): number | undefined {
    if (total === undefined) return undefined;
    if (value >= total) return 0;
    const rate = this.rate();
    return rate && rate > 0 ? (total - value) / rate : undefined;
  }
}

function rateText(rate: number | undefined, unit: string): string {
  return rate === undefined ? `? ${unit}/s` : `${rate.toFixed(rate < 10 ? 1 : 0)} ${unit}/s`;
}

const BAR_WIDTH = 30;

/** `label [████░░░] 40% | 40/100 rows | 12 rows/s | ETA 5s | detail`, or without a total `label | 40 rows | …`. */
function barLine(options: ProgressOptions, state: ProgressState, p: Record<string, string>): string {
  const total = state.total ?? 0;
  if (total <= 0) return `${options.label} | ${state.value} ${options.unit} | ${p.rateText}${p.detail}`;
  const ratio = Math.min(1, Math.max(0, state.value / total));
  const filled = Math.round(ratio * BAR_WIDTH);
  const bar = '\u2588'.repeat(filled) + '\u2591'.repeat(BAR_WIDTH - filled);
  return `${options.label} [${bar}] ${Math.floor(ratio * 100)}% | ${state.value}/${total} ${options.unit} | ${p.rateText}${p.etaText}${p.detail}`;
}

export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const meter = new RateMeter();
  const lineIntervalMs = options.lineIntervalMs ?? 5_000;
  let bar: cliProgress.SingleBar | undefined;
  let lastLineAt = -Infinity;
  let lastLine = '';

  function payload(state: ProgressState): Record<string, string> {
    const rate = meter.rate();
    const eta = meter.etaSeconds(state.value, state.total);
    return {
      rateText: rateText(rate, options.unit),
      etaText: state.total === undefined ? '' : ` | ETA ${formatDuration(eta)}`,
      detail: state.detail ? ` | ${state.detail}` : '',
    };
  }

  // One bar for the whole wait, redrawn in place: the line is built here, so a total that appears later (an import
  // counts its rows once it starts) changes the text, not the bar, and no earlier line stays above it.
  function drawBar(state: ProgressState): void {
    const line = barLine(options, state, payload(state));
    if (!bar) {
      bar = new cliProgress.SingleBar(
        {
          stream: options.stream,
          format: (_options, _params, data: { line?: string }) => data.line ?? '',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(1, 0, { line });
      return;
    }
    bar.update(0, { line });
  }

  function printLine(state: ProgressState): void {
    const at = now();
    const p = payload(state);
    const amount =
      state.total !== undefined && state.total > 0
        ? `${state.value}/${state.total} ${options.unit} (${Math.floor((state.value * 100) / state.total)}%)`
        : `${state.value} ${options.unit}`;
    const line = `${options.label}: ${amount}, ${p.rateText}${p.etaText}${p.detail}`;
    if (at - lastLineAt < lineIntervalMs || line === lastLine) return;
    lastLineAt = at;
    lastLine = line;
    options.stream.write(`${line}\n`);
  }

  return {
    update(state) {
      meter.add(now(), state.value);
      if (options.interactive) drawBar(state);
      else printLine(state);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
