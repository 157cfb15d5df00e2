/** Human output of the CLI: the file table, one file's details, and a progress line for TTYs. */
import type { FileList, MistralFile, RetrievedFile, TransferProgress } from '../api/files/types';
import { formatBytes, formatRelativeTime, formatTimestamp } from '../util/format';

export function renderTable(rows: string[][], header: string[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => displayWidth(row[column]))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column] - displayWidth(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Code points, not UTF-16 units, so names with accents or emoji do not skew the columns much. */
function displayWidth(text: string): number {
  return Array.from(text).length;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Control characters in a remote name must not reach the terminal (a name can carry escape sequences). */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function renderFileList(list: FileList, page: number, nowMs: number = Date.now()): string {
  if (list.data.length === 0) return page > 0 ? `No files on page ${page}.\n` : 'No files.\n';
  const rows = list.data.map((file) => [
    printable(file.id),
    truncate(printable(file.filename), 48),
    printable(file.purpose),
    printable(file.sample_type),
    formatBytes(file.bytes),
    formatRelativeTime(file.created_at, nowMs),
  ]);
  const table = renderTable(rows, ['ID', 'NAME', 'PURPOSE', 'TYPE', 'SIZE', 'CREATED']);
  const count = list.total != null ? `${list.data.length} of ${list.total} files` : `${list.data.length} files`;
  return `${table}\n${count}${page > 0 ? ` (page ${page})` : ''}\n`;
}

export function renderFileDetails(file: MistralFile | RetrievedFile, nowMs: number = Date.now()): string {
  const rows: Array<[string, string]> = [
    ['id', printable(file.id)],
    ['filename', printable(file.filename)],
    ['purpose', printable(file.purpose)],
    ['sample type', printable(file.sample_type)],
    ['source', printable(file.source)],
    ['size', file.bytes == null ? 'unknown' : `${formatBytes(file.bytes)} (${file.bytes.toLocaleString('en-US')} bytes)`],
    ['lines', file.num_lines == null ? '-' : file.num_lines.toLocaleString('en-US')],
    ['mimetype', printable(file.mimetype ?? '-')],
    ['visibility', printable(file.visibility ?? '-')],
    ['created', `${formatTimestamp(file.created_at)} (${formatRelativeTime(file.created_at, nowMs)})`],
    ['expires', file.expires_at == null ? 'never' : `${formatTimestamp(file.expires_at)} (${formatRelativeTime(file.expires_at, nowMs)})`],
    ['signature', printable(file.signature ?? '-')],
  ];
  if ('deleted' in file) rows.push(['deleted', file.deleted ? 'yes' : 'no']);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

/** A single self-overwriting line on a TTY, at most ten updates a second; nothing at all when not a TTY. */
export class ProgressLine {
  private lastDraw = 0;
  private readonly startedAt = Date.now();
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly verb: string,
    private readonly name: string,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: TransferProgress): void {
    if (!this.enabled) return;
    const now = Date.now();
    const done = progress.total !== undefined && progress.transferred >= progress.total;
    if (!done && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    const rate = `${formatBytes(progress.transferred / seconds)}/s`;
    const amount = progress.total !== undefined
      ? `${progress.total === 0 ? 100 : Math.floor((progress.transferred / progress.total) * 100)}% (${formatBytes(progress.transferred)} of ${formatBytes(progress.total)})`
      : formatBytes(progress.transferred);
    this.stream.write(`\r\x1b[2K${this.verb} ${this.name}: ${amount} ${rate}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
