/** The Batch Jobs view's model against the emulator: listing, paging, and polling on a timer the test drives. */
import * as assert from 'node:assert/strict';
import type { BatchApi } from '../../src/api/batch/batchApi';
import type { BatchJob, ListBatchJobsParams } from '../../src/api/batch/types';
import { MistralClient } from '../../src/api/client';
import { BatchJobsModel, type PollTimer } from '../../src/extension/batch/view/batchJobsModel';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { TEST_API_KEY, startTestEmulator, type TestEmulator } from '../emulator/testSupport';

const CHAT = '/v1/chat/completions';

/** A timer that never fires by itself: the test sees each requested delay and fires the pending callback. */
class ManualTimer implements PollTimer {
  readonly delays: number[] = [];
  private pending: { callback: () => void; id: number } | undefined;
  private nextId = 1;

  set(callback: () => void, ms: number): unknown {
    assert.equal(this.pending, undefined, 'one poll scheduled at a time');
    this.delays.push(ms);
    this.pending = { callback, id: this.nextId++ };
    return this.pending.id;
  }
  clear(handle: unknown): void {
    if (this.pending?.id === handle) this.pending = undefined;
  }
  get scheduled(): boolean {
    return this.pending !== undefined;
  }
  fire(): void {
    const pending = this.pending;
    assert.ok(pending, 'a poll is scheduled');
    this.pending = undefined;
    pending.callback();
  }
}

describe('Batch Jobs view model (emulator)', function () {
  this.timeout(30_000);
  let emulator: TestEmulator;
  let client: MistralClient;
  let listCalls: ListBatchJobsParams[];
  let api: Pick<BatchApi, 'list'>;
  let timer: ManualTimer;
  let changes: Array<string[] | 'all'>;
  let model: BatchJobsModel;
  let pageSize: number;

  beforeEach(async () => {
    emulator = await startTestEmulator({ batchRate: 0 });
    client = new MistralClient({ apiKey: TEST_API_KEY, baseUrl: emulator.url });
    listCalls = [];
    api = {
      list: (params, options) => {
        listCalls.push({ ...params });
        return client.batch.list(params, options);
      },
    };
    timer = new ManualTimer();
    changes = [];
    pageSize = 2;
    model = new BatchJobsModel(api, {
      pageSize: () => pageSize,
      timer,
      onDidChange: (jobs) => changes.push(jobs === undefined ? 'all' : jobs.map((job) => job.id)),
    });
  });
  afterEach(async () => {
    model.dispose();
    await client.dispose();
    await emulator.dispose();
  });

  async function createJob(model = 'mistral-small-latest', count = 3): Promise<BatchJob> {
    return client.batch.create({ requests: chatLines(count), endpoint: CHAT, model });
  }

  /** Fires the pending poll and waits for its list call to be applied. */
  async function tick(): Promise<void> {
    timer.fire();
    await model.poll();
  }

  it('lists newest first, one list call per load, with the page size from settings and Load more', async () => {
    const a = await createJob('model-a');
    const b = await createJob('model-b');
    const c = await createJob('model-c');
    assert.equal((await model.settled()).kind, 'ready');
    assert.deepEqual(listCalls, [{ page: 0, pageSize: 2, orderBy: '-created' }]);
    assert.deepEqual(model.jobs.map((job) => job.id), [c.id, b.id]);
    assert.equal(model.hasMore, true);
    assert.equal(model.totalJobs, 3);

    await model.loadMore();
    assert.equal(listCalls.length, 2);
    assert.deepEqual(listCalls[1], { page: 1, pageSize: 2, orderBy: '-created' });
    assert.deepEqual(model.jobs.map((job) => job.id), [c.id, b.id, a.id]);
    assert.equal(model.hasMore, false);
  });

  it('polls only while visible and a job is active, one list call per tick, adaptive 2 s ×1.5 up to 30 s', async () => {
    const job = await createJob();
    await model.settled();
    assert.equal(timer.scheduled, false, 'hidden: no poll');
    model.setVisible(true);
    assert.equal(timer.scheduled, true);
    assert.equal(model.nextPollMs, 2_000);

    // The job is frozen (rate 0): nothing changes, so each interval grows until the ceiling.
    const before = listCalls.length;
    for (let i = 0; i < 9; i++) await tick();
    assert.equal(listCalls.length, before + 9, 'one list call per tick');
    assert.deepEqual(timer.delays, [2_000, 3_000, 4_500, 6_750, 10_125, 15_188, 22_781, 30_000, 30_000, 30_000].map(Math.round));
    assert.deepEqual(changes, ['all'], 'no change events while nothing changed');

    // Hidden: the pending poll is dropped and no call is made.
    model.setVisible(false);
    assert.equal(timer.scheduled, false);

    // The job runs to the end; showing the view polls after the shortest interval and updates the row in place.
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const done = await client.batch.waitFor(job.id, { minIntervalMs: 5 });
    assert.equal(done.status, 'SUCCESS');
    model.setVisible(true);
    assert.equal(model.nextPollMs, 2_000);
    await tick();
    assert.deepEqual(changes.at(-1), [job.id], 'only the changed row fires');
    assert.equal(model.job(job.id)?.status, 'SUCCESS');
    assert.equal(model.job(job.id)?.completed_requests, 3);
    assert.equal(timer.scheduled, false, 'no active job: polling stops');
  });

  it('re-lists every loaded page in one call, resets the interval on change and adds new jobs at the top', async () => {
    await createJob('model-a');
    await createJob('model-b');
    await createJob('model-c');
    await model.settled();
    await model.loadMore();
    model.setVisible(true);
    await tick();
    await tick();
    assert.deepEqual(listCalls.at(-1), { page: 0, pageSize: 4, orderBy: '-created' });
    assert.equal(timer.delays.at(-1), 4_500);

    const d = await createJob('model-d');
    const callsBefore = listCalls.length;
    await tick();
    assert.equal(listCalls.length, callsBefore + 1);
    assert.equal(model.jobs[0].id, d.id);
    assert.equal(changes.at(-1), 'all', 'a new row re-renders the list');
    assert.equal(model.nextPollMs, 2_000, 'a change resets the interval');
  });

  it('schedules nothing when no listed job is active, and upsert adds a created job at the top', async () => {
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const old = await createJob();
    await client.batch.waitFor(old.id, { minIntervalMs: 5 });
    await model.settled();
    model.setVisible(true);
    assert.equal(timer.scheduled, false);

    emulator.batch.configure({ rate: 0 });
    const created = await createJob('model-new');
    model.upsert(created);
    assert.equal(model.jobs[0].id, created.id);
    assert.equal(timer.scheduled, true, 'an active job starts polling');
    model.remove([created.id]);
    assert.equal(model.job(created.id), undefined);
  });

  it('asks the service for the filtered statuses in every list call, and keeps a hidden status out of upsert', async () => {
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const done = await createJob('model-done');
    await client.batch.waitFor(done.id, { minIntervalMs: 5 });
    emulator.batch.configure({ rate: 0 });
    const queued = await createJob('model-q');
    model.dispose();
    let statuses: string[] = ['SUCCESS'];
    model = new BatchJobsModel(api, { pageSize: () => pageSize, statuses: () => statuses, timer, onDidChange: () => undefined });
    await model.settled();
    assert.deepEqual(listCalls.at(-1), { page: 0, pageSize: 2, orderBy: '-created', status: ['SUCCESS'] });
    assert.deepEqual(model.jobs.map((job) => job.id), [done.id]);
    model.upsert(await createJob('model-hidden'));
    assert.deepEqual(model.jobs.map((job) => job.id), [done.id], 'a QUEUED job stays out of a SUCCESS-only list');

    statuses = ['QUEUED', 'RUNNING'];
    await model.load();
    assert.deepEqual(listCalls.at(-1)?.status, ['QUEUED', 'RUNNING']);
    assert.ok(model.jobs.some((job) => job.id === queued.id));
    assert.ok(model.jobs.every((job) => job.status === 'QUEUED'));
  });

  it('keeps the rows and backs off when a poll fails', async () => {
    await createJob();
    const errors: unknown[] = [];
    model.dispose();
    let fail = false;
    model = new BatchJobsModel(
      { list: (params, options) => (fail ? Promise.reject(new Error('down')) : api.list(params, options)) },
      { pageSize: () => pageSize, timer, onDidChange: () => undefined, onPollError: (err) => errors.push(err) },
    );
    await model.settled();
    model.setVisible(true);
    fail = true;
    await tick();
    assert.equal(errors.length, 1);
    assert.equal(model.jobs.length, 1);
    assert.equal(model.nextPollMs, 3_000);
  });
});
