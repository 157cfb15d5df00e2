/** How bench rows are printed: one aligned table, by `npm run bench` and by a bench file run on its own. */
import type { BenchRow } from './types';

export function renderTable(rows: BenchRow[]): string {
  const header = ['section', 'contender', 'operation', 'MB', 'seconds', 'MB/s', 'peak RSS MB', 'note'];
  const cells = rows.map((row) => [
    row.section,
    row.contender,
    row.operation,
    row.megabytes.toFixed(0),
    row.seconds.toFixed(2),
    row.seconds > 0 ? (row.megabytes / row.seconds).toFixed(1) : '-',
    Number.isFinite(row.peakRssMb) ? row.peakRssMb.toFixed(1) : 'n/a',
    row.note ?? '',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const numeric = new Set([3, 4, 5, 6]);
  const format = (line: string[]): string =>
    line.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ').trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...cells.map(format)].join('\n');
}

/**
 * The entry of a bench file run with node: a mode its own measurements start it in (a child process measured from
 * outside, a baseline) runs that mode; anything else runs its section and prints the rows.
 */
export function runAsScript(bench: () => Promise<BenchRow[]>, modes: Record<string, (first: string, second: string) => Promise<void> | void>): void {
  const [mode, first, second] = process.argv.slice(2);
  const mine = mode === undefined ? undefined : modes[mode];
  const running = mine ? Promise.resolve(mine(first, second)) : bench().then((rows) => console.log(renderTable(rows)));
  running.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
