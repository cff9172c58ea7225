/** One line of the printed table: a figure and what it is compared with. */
export interface TableRow {
  scenario: string;
  /** What was measured, with its unit, e.g. "97.2 rows/s (median of 3)". */
  figure: string;
  /** The figure as a ratio to its ceiling or to a peer measured in the same run, e.g. "97.2% of 100 rows/s". */
  ratio: string;
  /** The target, e.g. "≥ 95%, 0 429s"; empty when there is none. */
  target: string;
  /** Whether the target is met; null when there is no target. */
  met: boolean | null;
}

/** A scenario's table rows and its raw figures for bench/results.json. */
export interface ScenarioResult {
  id: string;
  title: string;
  rows: TableRow[];
  details: Record<string, unknown>;
}

const escape = (cell: string): string => cell.replaceAll('|', '\\|');

/** The README-ready markdown table of every scenario. */
export function markdownTable(results: readonly ScenarioResult[]): string {
  const lines = ['| Scenario | Measured | Ratio | Target | Met |', '|---|---|---|---|---|'];
  for (const result of results) {
    for (const row of result.rows) {
      const met = row.met === null ? '' : row.met ? 'yes' : 'no';
      lines.push(`| ${[row.scenario, row.figure, row.ratio, row.target, met].map(escape).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
