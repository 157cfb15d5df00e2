/** Human output of the batch commands: the job table, one job's details, and the progress line of a wait. */
import type { BatchJob, BatchJobList, BatchWaitProgress } from '../api/batch/types';
import { formatRelativeTime, formatTimestamp } from '../util/format';
import { printable, renderTable } from './render';

/** "37/100 · 2 failed"; "counting…" while the service has not counted the inputs yet. */
export function progressText(job: BatchJob): string {
  if (job.total_requests === 0 && job.completed_requests === 0) return job.status === 'QUEUED' ? 'counting…' : '0/0';
  const failed = job.failed_requests > 0 ? ` · ${job.failed_requests.toLocaleString('en-US')} failed` : '';
  return `${job.completed_requests.toLocaleString('en-US')}/${job.total_requests.toLocaleString('en-US')}${failed}`;
}

export function renderJobList(list: BatchJobList, page: number, nowMs: number = Date.now()): string {
  if (list.data.length === 0) return page > 0 ? `No batch jobs on page ${page}.\n` : 'No batch jobs.\n';
  const rows = list.data.map((job) => [
    job.id,
    job.status,
    printable(job.model ?? (job.agent_id ? `agent ${job.agent_id}` : '-')),
    printable(job.endpoint),
    progressText(job),
    formatRelativeTime(job.created_at, nowMs),
  ]);
  const table = renderTable(rows, ['ID', 'STATUS', 'MODEL', 'ENDPOINT', 'PROGRESS', 'CREATED']);
  return `${table}\n${list.data.length} of ${list.total} batch jobs${page > 0 ? ` (page ${page})` : ''}\n`;
}

export function renderJobDetails(job: BatchJob, nowMs: number = Date.now()): string {
  const when = (seconds: number | null): string => (seconds == null ? '-' : `${formatTimestamp(seconds)} (${formatRelativeTime(seconds, nowMs)})`);
  const rows: Array<[string, string]> = [
    ['id', job.id],
    ['status', job.status],
    ['model', printable(job.model ?? '-')],
  ];
  if (job.agent_id) rows.push(['agent', printable(job.agent_id)]);
  rows.push(
    ['endpoint', printable(job.endpoint)],
    ['requests', `${progressText(job)} (${job.succeeded_requests.toLocaleString('en-US')} succeeded)`],
    ['input files', job.input_files.length > 0 ? job.input_files.join(', ') : '-'],
    ['output file', job.output_file ?? '-'],
    ['error file', job.error_file ?? '-'],
    ['metadata', job.metadata && Object.keys(job.metadata).length > 0 ? printable(JSON.stringify(job.metadata)) : '-'],
    ['created', when(job.created_at)],
    ['started', when(job.started_at)],
    ['completed', when(job.completed_at)],
  );
  for (const error of job.errors) rows.push(['error', printable(error.count > 1 ? `${error.message} (×${error.count})` : error.message)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n') + '\n';
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * The wait's progress on stderr: one self-overwriting line on a TTY; elsewhere (a log, CI) a new line only when
 * the status or the counters change, so a long wait does not flood the log with identical lines.
 */
export class JobProgressLine {
  private lastState = '';
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update({ job, elapsedMs }: BatchWaitProgress): void {
    const done = `${job.completed_requests.toLocaleString('en-US')}/${job.total_requests.toLocaleString('en-US')} done`;
    const state = `${job.status} ${done}, ${job.succeeded_requests.toLocaleString('en-US')} succeeded, ${job.failed_requests.toLocaleString('en-US')} failed`;
    const line = `Batch job ${job.id}: ${state}, ${formatElapsed(elapsedMs)} elapsed`;
    if (this.stream.isTTY === true) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (state !== this.lastState) {
      this.stream.write(`${line}\n`);
    }
    this.lastState = state;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
