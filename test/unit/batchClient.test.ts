/** The batch client against the emulator over loopback HTTP: the life of a job, its joined results, and failures. */
import * as assert from 'node:assert/strict';
import { jobResultSources, joinBatchResults, newJoinStats, type JoinedResult } from '../../src/api/batch/join';
import type { MistralClient } from '../../src/api/client';
import { abortableSleep } from '../../src/api/core/retry';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { asApiError, rejectionOf, startHarness, TEST_KEY, writeFile, type Harness } from './clientSupport/fixture';

const CHAT = '/v1/chat/completions';
const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

describe('batch client (emulator)', function () {
  this.timeout(30_000);
  let h: Harness;
  let client: MistralClient;
  let delays: number[];

  beforeEach(async () => {
    h = await startHarness();
    h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
    delays = [];
    // Records what waitFor and the transport asked for, but waits only a few real ms.
    client = h.client({}, { sleep: async (ms, signal) => {
      delays.push(ms);
      await abortableSleep(5, signal);
    } });
  });
  afterEach(async () => {
    await h.close();
  });

  async function uploadLines(count: number, extra: string[] = []): Promise<string> {
    const lines = [...chatLines(count).map((line) => JSON.stringify(line)), ...extra];
    const file = await client.files.upload(writeFile(h.workDir, 'requests.jsonl', lines.join('\n') + '\n'), { purpose: 'batch' });
    return file.id;
  }

  async function joined(jobId: string): Promise<{ records: JoinedResult[]; stats: ReturnType<typeof newJoinStats> }> {
    const job = await client.batch.get(jobId);
    const stats = newJoinStats();
    const records: JoinedResult[] = [];
    for await (const record of joinBatchResults(jobResultSources(client.files, job), { stats })) records.push(record);
    return { records, stats };
  }

  it('create → waitFor → results joined to the requests in input order, failures included', async () => {
    h.emulator.batch.failRequests({ customId: 'req-3', statusCode: 500, message: 'emulated failure' });
    const fileId = await uploadLines(8);
    const created = await client.batch.create({ input_files: [fileId], endpoint: CHAT, model: 'mistral-small-latest', metadata: { run: 'unit' }, timeout_hours: 2 });
    assert.equal(created.status, 'QUEUED');
    assert.deepEqual(created.input_files, [fileId]);
    assert.deepEqual(created.metadata, { run: 'unit' });

    const progress: string[] = [];
    const done = await client.batch.waitFor(created.id, { onProgress: (p) => progress.push(p.job.status) });
    assert.equal(done.status, 'SUCCESS');
    assert.equal(progress.at(-1), 'SUCCESS');
    assert.equal(done.total_requests, 8);
    assert.equal(done.succeeded_requests, 7);
    assert.equal(done.failed_requests, 1);
    assert.ok(done.output_file && done.error_file);

    const { records, stats } = await joined(created.id);
    assert.deepEqual(records.map((r) => r.custom_id), chatLines(8).map((line) => line.custom_id));
    assert.deepEqual(records.map((r) => r.status), ['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual(records[0].request, chatLines(1)[0].body);
    assert.equal((records[0].response as { object?: string }).object, 'chat.completion');
    assert.equal(records[3].status_code, 500);
    assert.match(records[3].error?.message ?? '', /emulated failure/);
    assert.deepEqual({ ...stats }, { requests: 8, succeeded: 7, failed: 1, missing: 0, unmatchedResults: 0, unreadableResults: 0 });
  });

  it('get with inline returns the result lines in outputs', async () => {
    const created = await client.batch.create({ requests: chatLines(2), endpoint: CHAT, model: 'mistral-small-latest' });
    await client.batch.waitFor(created.id);
    const plain = await client.batch.get(created.id);
    const inline = await client.batch.get(created.id, { inline: true });
    assert.equal(plain.outputs, null);
    assert.equal(inline.outputs?.length, 2);
  });

  it('cancel: a frozen job is cancelled, waitFor ends on CANCELLED, and every request reads as missing', async () => {
    h.emulator.batch.configure({ rate: 0 });
    const fileId = await uploadLines(5);
    const created = await client.batch.create({ input_files: [fileId], endpoint: CHAT, model: 'mistral-small-latest' });
    const cancelling = await client.batch.cancel(created.id);
    assert.ok(['CANCELLATION_REQUESTED', 'CANCELLED'].includes(cancelling.status), cancelling.status);
    // The engine moves a cancellation on only while the world runs.
    h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const ended = await client.batch.waitFor(created.id);
    assert.equal(ended.status, 'CANCELLED');
    const { records, stats } = await joined(created.id);
    assert.equal(records.length, 5);
    assert.equal(stats.missing, 5);
  });

  it('list: filters by status, model and metadata, newest first, with a total', async () => {
    h.emulator.batch.configure({ rate: 0 });
    const fileId = await uploadLines(1);
    const small = await client.batch.create({ input_files: [fileId], endpoint: CHAT, model: 'mistral-small-latest', metadata: { team: 'a' } });
    const large = await client.batch.create({ input_files: [fileId], endpoint: CHAT, model: 'mistral-large-latest', metadata: { team: 'b' } });
    await client.batch.cancel(small.id);

    const all = await client.batch.list();
    assert.equal(all.total, 2);
    assert.deepEqual(all.data.map((job) => job.id), [large.id, small.id]);
    assert.deepEqual((await client.batch.list({ model: 'mistral-large-latest' })).data.map((job) => job.id), [large.id]);
    assert.deepEqual((await client.batch.list({ metadata: { team: 'a' } })).data.map((job) => job.id), [small.id]);
    const active = await client.batch.list({ status: ['QUEUED', 'RUNNING'] });
    assert.deepEqual(active.data.map((job) => job.id), [large.id]);
    assert.equal((await client.batch.list({ status: ['SUCCESS'] })).total, 0);
    assert.deepEqual((await client.batch.list({ orderBy: 'created', pageSize: 1 })).data.map((job) => job.id), [small.id]);
  });

  it('delete removes the job; then get says "Batch job not found"', async () => {
    const created = await client.batch.create({ requests: chatLines(1), endpoint: CHAT, model: 'mistral-small-latest' });
    await client.batch.waitFor(created.id);
    const deleted = await client.batch.delete(created.id);
    assert.deepEqual(deleted, { id: created.id, object: 'batch', deleted: true });
    const err = asApiError(await rejectionOf(client.batch.get(created.id)));
    assert.equal(err.status, 404);
    assert.equal(err.message, 'Batch job not found');
    assert.equal(asApiError(await rejectionOf(client.batch.waitFor(UNKNOWN_JOB))).message, 'Batch job not found');
    assert.equal(asApiError(await rejectionOf(client.batch.cancel(UNKNOWN_JOB))).message, 'Batch job not found');
  });

  it('GETs are retried through 503s (honouring Retry-After); a create whose body was sent is not retried', async () => {
    const created = await client.batch.create({ requests: chatLines(1), endpoint: CHAT, model: 'mistral-small-latest' });
    h.emulator.faults.add({ method: 'GET', path: '^/v1/batch/jobs/', count: 2, status: 503, retryAfterSeconds: 2 });
    const job = await client.batch.get(created.id);
    assert.equal(job.id, created.id);
    assert.deepEqual(delays.slice(-2), [2000, 2000]);

    // 500, not 503: a 503 (or 429) says nothing was created, so even a create is sent again after it.
    h.emulator.faults.add({ method: 'POST', path: '^/v1/batch/jobs$', count: 1, status: 500 });
    const err = asApiError(await rejectionOf(client.batch.create({ requests: chatLines(1), endpoint: CHAT, model: 'mistral-small-latest' })));
    assert.equal(err.status, 500);
    assert.equal((await client.batch.list()).total, 1, 'no second job was created behind the failure');
  });

  it('refuses a malformed create locally, reports the service\'s 422 with its reason, and ends a job whose input is gone as FAILED', async () => {
    const local = asApiError(await rejectionOf(client.batch.create({ requests: chatLines(1), endpoint: CHAT, model: 'm', timeout_hours: 200 })));
    assert.equal(local.kind, 'invalid-request');
    assert.match(local.message, /1 to 168 hours/);
    const remote = asApiError(await rejectionOf(client.batch.create({ requests: chatLines(1), endpoint: '/v1/teleport', model: 'mistral-small-latest' })));
    assert.equal(remote.status, 422);
    assert.match(remote.message, /^Mistral rejected the request \(422\): endpoint/);
    assert.ok(!remote.message.includes(TEST_KEY));
    const orphan = await client.batch.create({ input_files: [UNKNOWN_JOB], endpoint: CHAT, model: 'mistral-small-latest' });
    const failed = await client.batch.waitFor(orphan.id);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.errors.map((e) => e.message).join(' '), /not found/);
  });
});
