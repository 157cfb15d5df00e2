/**
 * The batch job engine. Each job earns `rate` credits a second; starting costs one, each request one, a
 * requested cancellation one. Validation (reading and counting the inputs) and finishing (writing result
 * files) cost nothing. Timeouts run on the wall clock, scaled by `timeoutHourMs`. State is saved after every
 * step, so a restarted emulator resumes a RUNNING job where it stopped: results are pure functions of the
 * input line, so the finished ones are recomputed rather than stored.
 */
import { promises as fs } from 'node:fs';
import type { FileStore } from '../store';
import type { BatchControls } from './controls';
import type { JobStore } from './jobStore';
import { storeFiles, type FileLookup } from './modelSupport';
import { answerEntry, parseLines, processingOrder, type InputEntry } from './requestLines';
import { writeResultFiles } from './resultFiles';
import { isTerminal, MAX_FILE_REQUESTS, toWire, type BatchErrorEntry, type BatchStatus, type ResultLine, type StoredJob } from './types';

const TICK_MS = 20;
/** Lines answered between two yields to the event loop, so requests stay responsive during a big job. */
const LINES_PER_SLICE = 500;

interface Active {
  job: StoredJob;
  entries: InputEntry[] | undefined;
  order: number[];
  results: ResultLine[];
  credit: number;
  lastTick: number;
  busy: boolean;
  removed: boolean;
}

export class BatchEngine {
  private readonly active = new Map<string, Active>();
  private readonly inflight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly files: FileLookup;

  constructor(private readonly store: FileStore, private readonly jobs: JobStore, private readonly controls: BatchControls) {
    this.files = storeFiles(store);
    // Jobs left unfinished by the previous run pick up where their saved counters stopped.
    for (const job of jobs.all()) if (!isTerminal(job.status)) this.activate(job);
  }

  activate(job: StoredJob): void {
    if (this.closed) return;
    this.active.set(job.id, { job, entries: undefined, order: [], results: [], credit: 0, lastTick: Date.now(), busy: false, removed: false });
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** Cancel: the job stops taking new lines and turns CANCELLED after one more request's worth of time. */
  /** Requests the cancel and resolves with the job's wire form at that moment (before the engine acts on it). */
  async cancel(job: StoredJob): Promise<ReturnType<typeof toWire>> {
    if (job.status === 'QUEUED' || job.status === 'RUNNING') job.status = 'CANCELLATION_REQUESTED';
    const answer = toWire(job);
    await this.jobs.save();
    return answer;
  }

  async remove(job: StoredJob): Promise<void> {
    const running = this.active.get(job.id);
    if (running) running.removed = true;
    this.active.delete(job.id);
    await this.jobs.remove(job.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await this.jobs.flush();
  }

  private tick(): void {
    const now = Date.now();
    const { rate, timeoutHourMs } = this.controls.settings;
    for (const state of this.active.values()) {
      state.credit += ((now - state.lastTick) * rate) / 1000;
      state.lastTick = now;
      if (state.busy) continue;
      const timedOut = (state.job.status === 'QUEUED' || state.job.status === 'RUNNING')
        && now >= state.job.createdAtMs + state.job.timeoutHours * timeoutHourMs;
      const held = (state.job.holdUntilMs ?? 0) > now;
      if (!timedOut && state.entries !== undefined && (state.credit < 1 || held)) continue;
      state.busy = true;
      const step = (timedOut ? this.finish(state, 'TIMEOUT_EXCEEDED') : this.step(state))
        .catch((err: unknown) => {
          process.stderr.write(`[emulator] batch job ${state.job.id} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
        })
        .finally(() => {
          state.busy = false;
          this.inflight.delete(step);
        });
      this.inflight.add(step);
    }
    if (this.active.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async step(state: Active): Promise<void> {
    const { job } = state;
    if (state.entries === undefined && !(await this.load(state))) return;
    while (state.credit >= 1 && !this.closed && !state.removed && (job.holdUntilMs ?? 0) <= Date.now()) {
      if (job.status === 'QUEUED') {
        state.credit -= 1;
        job.status = 'RUNNING';
        job.started_at = Math.floor(Date.now() / 1000);
      } else if (job.status === 'CANCELLATION_REQUESTED') {
        state.credit -= 1;
        return this.finish(state, 'CANCELLED');
      } else if (job.status === 'RUNNING') {
        await this.answerSlice(state, Math.min(Math.floor(state.credit), LINES_PER_SLICE));
        // A cancel may have arrived while the slice ran; it wins over finishing.
        if (job.completed_requests === job.total_requests && (job.status as BatchStatus) === 'RUNNING') return this.finish(state, 'SUCCESS');
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        return;
      }
      if (!state.removed) await this.jobs.save();
    }
  }

  private async answerSlice(state: Active, budget: number): Promise<void> {
    const { job } = state;
    const end = Math.min(job.total_requests, job.completed_requests + budget);
    for (let position = job.completed_requests; position < end; position++) {
      await this.answerAt(state, position);
      state.credit -= 1;
    }
  }

  private async answerAt(state: Active, position: number): Promise<void> {
    const { job } = state;
    const index = state.order[position];
    const line = await answerEntry((state.entries as InputEntry[])[index], { job, lineNumber: index + 1, files: this.files });
    state.results.push(line);
    job.completed_requests = state.results.length;
    if (line.error) job.failed_requests++;
    else job.succeeded_requests++;
  }

  /** Reads and counts the inputs; false when the job failed on them. Also rebuilds the results of a resumed job. */
  private async load(state: Active): Promise<boolean> {
    const { job } = state;
    const entries: InputEntry[] = [];
    const seen = new Map<string, string>();
    let problem: string | undefined;
    if (job.inline) {
      parseLines(await fs.readFile(this.jobs.requestsPath(job.id), 'utf8'), 'the inline requests', seen, entries);
    } else {
      for (const id of job.input_files) {
        const file = this.store.get(id);
        const content = file && await fs.readFile(this.store.blobPath(id), 'utf8').catch(() => undefined);
        if (!file || content === undefined) problem = `Input file ${id} not found`;
        else if (file.purpose !== 'batch') problem = `Input file ${id} has purpose "${file.purpose}"; batch input files need purpose "batch"`;
        else parseLines(content, `file ${id}`, seen, entries);
        if (problem) break;
      }
    }
    if (!problem && entries.length === 0) problem = 'No requests found in the input';
    if (!problem && entries.length > MAX_FILE_REQUESTS) problem = `Too many requests: ${entries.length} (at most ${MAX_FILE_REQUESTS})`;
    if (problem && !job.validated) {
      job.validated = true;
      job.total_requests = problem.startsWith('Too many') ? entries.length : 0;
      await this.finish(state, 'FAILED', [{ message: problem, count: 1 }]);
      return false;
    }
    state.entries = entries;
    state.order = processingOrder(job.id, entries.length);
    if (problem) {
      // A resumed job whose input vanished while the emulator was down keeps what it had finished.
      await this.rebuild(state);
      await this.finish(state, 'FAILED', [{ message: problem, count: 1 }]);
      return false;
    }
    if (!job.validated) {
      job.validated = true;
      job.total_requests = entries.length;
      await this.jobs.save();
    }
    await this.rebuild(state);
    return true;
  }

  private async rebuild(state: Active): Promise<void> {
    const done = state.job.completed_requests;
    Object.assign(state.job, { completed_requests: 0, succeeded_requests: 0, failed_requests: 0 });
    for (let position = 0; position < done && state.entries && position < state.entries.length; position++) await this.answerAt(state, position);
  }

  private async finish(state: Active, status: BatchStatus, errors?: BatchErrorEntry[]): Promise<void> {
    const { job } = state;
    if (state.removed) return;
    const files = await writeResultFiles(this.store, job.id, state.results);
    if (state.removed) return;
    const now = Date.now();
    Object.assign(job, {
      status,
      output_file: files.outputFile,
      error_file: files.errorFile,
      errors: errors ?? summariseFailures(state.results, status, job.timeoutHours),
      completed_at: Math.floor(now / 1000),
    });
    this.active.delete(job.id);
    await this.jobs.save();
  }
}

/** BatchError entries: failed requests grouped by status, plus the reason a job stopped early. */
export function summariseFailures(results: ResultLine[], status: BatchStatus, timeoutHours: number): BatchErrorEntry[] {
  const byStatus = new Map<number, number>();
  for (const line of results) if (line.error && line.response) byStatus.set(line.response.status_code, (byStatus.get(line.response.status_code) ?? 0) + 1);
  const errors = [...byStatus].sort(([a], [b]) => a - b).map(([code, count]) => ({ message: `Request failed with status ${code}`, count }));
  if (status === 'TIMEOUT_EXCEEDED') errors.push({ message: `Batch job did not complete within ${timeoutHours} hour${timeoutHours === 1 ? '' : 's'}`, count: 1 });
  return errors;
}
