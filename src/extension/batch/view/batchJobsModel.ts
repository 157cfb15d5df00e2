/**
 * The Batch Jobs view's data: the listed jobs (newest first, page by page) and the polling that keeps active jobs
 * current while the view is visible. Pure: no `vscode` import, and the timer is a seam, so unit tests drive it
 * against the emulator without a workbench and without waiting real seconds.
 */
import type { BatchApi } from '../../../api/batch/batchApi';
import { isTerminalStatus, type BatchJob, type ListBatchJobsParams } from '../../../api/batch/types';

export interface PollTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_TIMER: PollTimer = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ListPollTiming {
  minIntervalMs: number;
  maxIntervalMs: number;
  backoff: number;
}

/** Fast while something moves (a person is looking at the view), then slower up to half a minute. */
export const DEFAULT_LIST_POLL_TIMING: ListPollTiming = { minIntervalMs: 2_000, maxIntervalMs: 30_000, backoff: 1.5 };

export type BatchJobsState =
  | { kind: 'empty' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'failed'; error: unknown };

export interface BatchJobsModelOptions {
  pageSize(): number;
  /** Only jobs in these statuses are listed (the service filters); empty or absent lists every job. */
  statuses?(): readonly string[];
  /** Rows whose job changed in place, or undefined when rows were added, removed or reordered (or the state changed). */
  onDidChange(changed: readonly BatchJob[] | undefined): void;
  timer?: PollTimer;
  timing?: Partial<ListPollTiming>;
  /** A poll that failed: the list stays as it was and the next poll backs off. */
  onPollError?(err: unknown): void;
}

/** Still changing: QUEUED, RUNNING, CANCELLATION_REQUESTED and any status this code does not know yet. */
export function isActiveJob(job: Pick<BatchJob, 'status'>): boolean {
  return !isTerminalStatus(job.status);
}

/** The fields a row shows; anything else (metadata, outputs) does not change while a job runs. */
function rowKey(job: BatchJob): string {
  return [
    job.status, job.total_requests, job.completed_requests, job.succeeded_requests, job.failed_requests,
    job.output_file, job.error_file, job.started_at, job.completed_at, job.errors.length,
  ].join('|');
}

export class BatchJobsModel {
  private readonly byId = new Map<string, BatchJob>();
  private order: string[] = [];
  private pages = 0;
  private total: number | undefined;
  private currentState: BatchJobsState = { kind: 'empty' };
  private loading: Promise<void> | undefined;
  /** Bumped by reset(): answers of calls started before it are dropped. */
  private generation = 0;
  private visible = false;
  private pollHandle: unknown;
  private polling: Promise<void> | undefined;
  private interval: number;
  private readonly timer: PollTimer;
  private readonly timing: ListPollTiming;

  constructor(private readonly api: Pick<BatchApi, 'list'>, private readonly options: BatchJobsModelOptions) {
    this.timer = options.timer ?? REAL_TIMER;
    this.timing = { ...DEFAULT_LIST_POLL_TIMING, ...options.timing };
    this.interval = this.timing.minIntervalMs;
  }

  get state(): BatchJobsState {
    return this.currentState;
  }

  get jobs(): BatchJob[] {
    return this.order.map((id) => this.byId.get(id)).filter((job): job is BatchJob => job !== undefined);
  }

  get hasMore(): boolean {
    return this.total !== undefined && this.order.length < this.total;
  }

  get totalJobs(): number | undefined {
    return this.total;
  }

  job(id: string): BatchJob | undefined {
    return this.byId.get(id);
  }

  /** The delay of the pending poll, or undefined when none is scheduled (for tests and the log). */
  get nextPollMs(): number | undefined {
    return this.pollHandle === undefined ? undefined : Math.round(this.interval);
  }

  /** Loads the first page unless it is loaded or loading; resolves with the state once settled. */
  async settled(): Promise<BatchJobsState> {
    if (this.currentState.kind === 'empty') void this.load();
    await this.loading;
    return this.currentState;
  }

  /** Forgets everything; the next settled() lists again. */
  reset(): void {
    this.generation++;
    this.cancelPoll();
    this.byId.clear();
    this.order = [];
    this.pages = 0;
    this.total = undefined;
    this.loading = undefined;
    this.polling = undefined;
    this.interval = this.timing.minIntervalMs;
    this.currentState = { kind: 'empty' };
  }

  /** Lists the first page (one list call). */
  load(): Promise<void> {
    this.reset();
    const generation = this.generation;
    this.currentState = { kind: 'loading' };
    this.loading = (async () => {
      try {
        const list = await this.api.list(this.listParams(0, this.pageSize()));
        if (generation !== this.generation) return;
        this.replace(list.data, list.total);
        this.pages = 1;
        this.currentState = { kind: 'ready' };
      } catch (err) {
        if (generation !== this.generation) return;
        this.currentState = { kind: 'failed', error: err };
      }
      this.options.onDidChange(undefined);
      this.schedule();
    })();
    return this.loading;
  }

  /** Lists the next page and appends the jobs not already shown. Rejects with the API error. */
  async loadMore(): Promise<void> {
    await this.loading;
    if (this.currentState.kind !== 'ready' || !this.hasMore) return;
    const generation = this.generation;
    const list = await this.api.list(this.listParams(this.pages, this.pageSize()));
    if (generation !== this.generation) return;
    this.pages++;
    this.total = list.total;
    for (const job of list.data) {
      if (!this.byId.has(job.id)) this.order.push(job.id);
      this.byId.set(job.id, job);
    }
    this.options.onDidChange(undefined);
    this.schedule();
  }

  /** A job this extension created, cancelled or watched: its row updates in place, or is added at the top. */
  upsert(job: BatchJob): void {
    if (this.currentState.kind !== 'ready') return;
    const known = this.byId.get(job.id);
    // A new job the status filter hides stays out of the list, as the service's own answer would leave it.
    const statuses = this.options.statuses?.() ?? [];
    if (!known && statuses.length > 0 && !statuses.includes(job.status)) return;
    this.byId.set(job.id, job);
    if (known) {
      if (rowKey(known) !== rowKey(job)) this.options.onDidChange([job]);
    } else {
      this.order.unshift(job.id);
      if (this.total !== undefined) this.total++;
      this.options.onDidChange(undefined);
    }
    this.interval = this.timing.minIntervalMs;
    this.reschedule();
  }

  remove(ids: readonly string[]): void {
    const gone = ids.filter((id) => this.byId.delete(id));
    if (gone.length === 0) return;
    this.order = this.order.filter((id) => this.byId.has(id));
    if (this.total !== undefined) this.total = Math.max(0, this.total - gone.length);
    this.options.onDidChange(undefined);
  }

  /** Polling runs only while the view is visible; showing it again polls soon, since the rows may be stale. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      this.cancelPoll();
      return;
    }
    this.interval = this.timing.minIntervalMs;
    this.schedule();
  }

  /**
   * One poll: re-lists the pages shown in one call and updates the rows. Anything changed → the next poll comes
   * after the shortest interval; nothing → the interval grows ×backoff up to the ceiling. Public for tests.
   */
  async poll(): Promise<void> {
    this.cancelPoll();
    if (this.currentState.kind !== 'ready' || this.polling) return this.polling;
    const generation = this.generation;
    const pageSize = this.pageSize() * Math.max(1, this.pages);
    this.polling = (async () => {
      let changed = false;
      try {
        const list = await this.api.list(this.listParams(0, pageSize));
        if (generation !== this.generation) return;
        changed = this.merge(list.data, list.total);
      } catch (err) {
        if (generation !== this.generation) return;
        this.options.onPollError?.(err);
      } finally {
        if (generation === this.generation) this.polling = undefined;
      }
      this.interval = changed ? this.timing.minIntervalMs : Math.min(this.interval * this.timing.backoff, this.timing.maxIntervalMs);
      this.schedule();
    })();
    return this.polling;
  }

  dispose(): void {
    this.reset();
  }

  private listParams(page: number, pageSize: number): ListBatchJobsParams {
    const statuses = this.options.statuses?.() ?? [];
    return statuses.length > 0 ? { page, pageSize, orderBy: '-created', status: [...statuses] } : { page, pageSize, orderBy: '-created' };
  }

  private pageSize(): number {
    return Math.max(1, Math.floor(this.options.pageSize()));
  }

  private replace(jobs: readonly BatchJob[], total: number): void {
    this.byId.clear();
    this.order = [];
    for (const job of jobs) {
      if (!this.byId.has(job.id)) this.order.push(job.id);
      this.byId.set(job.id, job);
    }
    this.total = total;
  }

  /** Applies a re-list; true when anything a row shows changed. Fires per row when only rows changed. */
  private merge(jobs: readonly BatchJob[], total: number): boolean {
    const newOrder = [...new Set(jobs.map((job) => job.id))];
    const structural = newOrder.length !== this.order.length || newOrder.some((id, i) => id !== this.order[i]);
    const changedRows = jobs.filter((job) => {
      const known = this.byId.get(job.id);
      return known !== undefined && rowKey(known) !== rowKey(job);
    });
    this.replace(jobs, total);
    if (structural) this.options.onDidChange(undefined);
    else if (changedRows.length > 0) this.options.onDidChange(changedRows);
    return structural || changedRows.length > 0;
  }

  private reschedule(): void {
    this.cancelPoll();
    this.schedule();
  }

  /** Nothing to watch (hidden, not loaded, no active job) → no timer, so an idle view costs no requests. */
  private schedule(): void {
    if (this.pollHandle !== undefined || this.polling) return;
    if (!this.visible || this.currentState.kind !== 'ready') return;
    if (!this.jobs.some(isActiveJob)) return;
    this.pollHandle = this.timer.set(() => {
      this.pollHandle = undefined;
      void this.poll();
    }, Math.round(this.interval));
  }

  private cancelPoll(): void {
    if (this.pollHandle === undefined) return;
    this.timer.clear(this.pollHandle);
    this.pollHandle = undefined;
  }
}
