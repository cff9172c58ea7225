import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { DedupeMode } from '../../src/imports/upload/import-options.ts';

/** What every scenario gets from the runner. */
export interface BenchContext {
  /** `--quick`: fewer rows and customers, one run instead of three. */
  quick: boolean;
  /** Scenario 9's file sizes and modes when the command line chose them. */
  dedupe: DedupeChoice;
  redis: Redis;
  redisUrl: string;
  /** A temporary folder removed at the end of the run. */
  workDir: string;
  log(line: string): void;
}

/** `--dedupe-rows` and `--dedupe-modes`: a 200,000-row file takes 35 minutes per mode, so it is asked for. */
export interface DedupeChoice {
  rows?: number[];
  modes?: DedupeMode[];
}

/** A fresh queue prefix and DATA_DIR for one group of worker processes, so runs never share state. */
export function scope(ctx: BenchContext, name: string): { prefix: string; dataDir: string; logPath: string } {
  const prefix = `bench-${name}-${Date.now().toString(36)}`;
  const dataDir = join(ctx.workDir, prefix);
  mkdirSync(dataDir, { recursive: true });
  return { prefix, dataDir, logPath: join(ctx.workDir, `${prefix}.log`) };
}

/** Runs per measure: medians of three in the full run, one in --quick. */
export function runsOf(ctx: BenchContext): number {
  return ctx.quick ? 1 : 3;
}
