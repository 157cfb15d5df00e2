/**
 * Watching a batch job until it ends, with as few requests as the user's patience allows. Pure: the clock and
 * the sleep come from the connection, so tests and the bench run a day of polling in milliseconds.
 */
import { abortedError } from '../core/errorMapping';
import { MistralApiError } from '../core/errors';
import { RETRYABLE_STATUSES, type Sleep } from '../core/retry';
import type { CallOptions } from '../files/types';
import { isTerminalStatus, type BatchJob, type WaitForOptions } from './types';

export interface PollTiming {
  minIntervalMs: number;
  maxIntervalMs: number;
  backoff: number;
}

export const DEFAULT_POLL_TIMING: PollTiming = { minIntervalMs: 1_000, maxIntervalMs: 30_000, backoff: 1.5 };

interface Observation {
  status: string;
  total: number;
  completed: number;
  succeeded: number;
  failed: number;
}

/**
 * The interval before the next poll of one job:
 * - fast (min) at first and whenever the status changes, since a change is when the user is watching;
 * - otherwise ×backoff per poll up to the ceiling, whether the counters move or not: a job that moves steadily
 *   for hours would otherwise be polled every second (3,600 requests an hour) for a line that barely changes;
 * - fast again when the counters move after standing still (the job woke up: queued work started, a stall ended);
 * - never longer than the estimated time to completion from the measured rate, so the end of a job is seen
 *   within about one short interval rather than up to a full ceiling late.
 */
export class PollSchedule {
  private readonly timing: PollTiming;
  private interval: number;
  private last: Observation | undefined;
  private stillPolls = 0;
  private lastMove: { at: number; completed: number } | undefined;

  constructor(timing: Partial<PollTiming> = {}) {
    this.timing = { ...DEFAULT_POLL_TIMING, ...definedOnly(timing) };
    this.timing.minIntervalMs = Math.max(1, this.timing.minIntervalMs);
    this.timing.maxIntervalMs = Math.max(this.timing.minIntervalMs, this.timing.maxIntervalMs);
    this.timing.backoff = Math.max(1, this.timing.backoff);
    this.interval = this.timing.minIntervalMs;
  }

  /** After an answer: how long to wait before asking again. */
  next(job: BatchJob, nowMs: number): number {
    const seen: Observation = {
      status: job.status,
      total: job.total_requests,
      completed: job.completed_requests,
      succeeded: job.succeeded_requests,
      failed: job.failed_requests,
    };
    const last = this.last;
    this.last = seen;
    const { minIntervalMs, maxIntervalMs, backoff } = this.timing;
    if (!last) {
      this.lastMove = { at: nowMs, completed: seen.completed };
      this.interval = minIntervalMs;
      return this.interval;
    }
    const moved = seen.completed !== last.completed || seen.succeeded !== last.succeeded || seen.failed !== last.failed || seen.total !== last.total;
    if (seen.status !== last.status || (moved && this.stillPolls > 0)) this.interval = minIntervalMs;
    else this.interval = Math.min(this.interval * backoff, maxIntervalMs);
    this.stillPolls = moved ? 0 : this.stillPolls + 1;
    if (moved) {
      const previous = this.lastMove;
      this.lastMove = { at: nowMs, completed: seen.completed };
      const elapsed = previous ? nowMs - previous.at : 0;
      const done = previous ? seen.completed - previous.completed : 0;
      if (elapsed > 0 && done > 0 && seen.total > seen.completed) {
        const etaMs = ((seen.total - seen.completed) / done) * elapsed;
        this.interval = Math.min(this.interval, Math.max(minIntervalMs, etaMs));
      }
    }
    return Math.round(this.interval);
  }

  /** After a poll that failed transiently: back off, and never sooner than the service asked. */
  afterFailure(retryAfterMs: number | undefined): number {
    this.interval = Math.min(this.interval * this.timing.backoff, this.timing.maxIntervalMs);
    return Math.round(Math.max(this.interval, retryAfterMs ?? 0));
  }
}

export interface WaitDeps {
  get(jobId: string, options: CallOptions): Promise<BatchJob>;
  sleep: Sleep;
  now: () => number;
  /** For the aborted error's operation, e.g. "GET /v1/batch/jobs/<id>". */
  operation: string;
}

/**
 * Polls until the job's status is terminal and resolves with that last answer. The transport already retries a
 * 429/503 within its budget (honouring a Retry-After up to its cap); a poll that still fails that way, or after a
 * longer Retry-After the transport refused to sit through, is not the end of a watch that may last hours: the
 * next poll waits at least the Retry-After. Anything else (404, 401, abort) ends the wait at once.
 */
export async function waitForJob(deps: WaitDeps, jobId: string, options: WaitForOptions = {}): Promise<BatchJob> {
  const { signal, onProgress } = options;
  const schedule = new PollSchedule({ minIntervalMs: options.minIntervalMs, maxIntervalMs: options.maxIntervalMs, backoff: options.backoff });
  const maxFailures = options.maxTransientFailures ?? 5;
  const started = deps.now();
  let polls = 0;
  let failures = 0;
  const pause = async (ms: number): Promise<void> => {
    try {
      await deps.sleep(ms, signal);
    } catch {
      throw abortedError(deps.operation);
    }
  };
  for (;;) {
    if (signal?.aborted) throw abortedError(deps.operation);
    let job: BatchJob;
    try {
      job = await deps.get(jobId, { signal });
    } catch (err) {
      if (!isTransient(err) || ++failures > maxFailures) throw err;
      await pause(schedule.afterFailure(err.retryAfterMs));
      continue;
    }
    failures = 0;
    polls++;
    onProgress?.({ job, elapsedMs: deps.now() - started, polls });
    if (isTerminalStatus(job.status)) return job;
    await pause(schedule.next(job, deps.now()));
  }
}

function isTransient(err: unknown): err is MistralApiError {
  return err instanceof MistralApiError && (err.kind === 'network' || (err.kind === 'http' && err.status !== undefined && RETRYABLE_STATUSES.has(err.status)));
}

function definedOnly<T extends object>(partial: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, value]) => typeof value === 'number' && Number.isFinite(value))) as Partial<T>;
}
