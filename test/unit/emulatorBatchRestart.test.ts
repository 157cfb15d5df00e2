/**
 * Batch jobs across restarts (a RUNNING job resumes where its saved counters stopped), the demo seed's jobs,
 * and the official SDK driving the batch routes with its strict response parsing.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSchemaValidator } from '../emulator/openapiSchemas';
import { startEmulator } from '../emulator/server';
import { call, eventually, startTestEmulator, TEST_API_KEY, type TestEmulator } from '../emulator/testSupport';
import {
  chatLines, createBatchJob, FAST_BATCH_RATE, getBatchJob, readJsonl, waitForBatchJob, type BatchJobWire, type BatchStatus,
} from '../emulator/batch/testSupport';
import { BATCH_STATUSES } from '../emulator/batch/types';

const schemas = createSchemaValidator();
const CHAT = { model: 'mistral-small-latest', endpoint: '/v1/chat/completions' };

describe('emulator: batch persistence', () => {
  let dataDir: string;
  beforeEach(async () => { dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulator-batch-')); });
  afterEach(async () => { await fs.rm(dataDir, { recursive: true, force: true }); });

  it('a RUNNING job resumes after a restart with its counters, and finishes with every line once', async () => {
    const first = await startEmulator({ dataDir, apiKey: TEST_API_KEY, batchRate: 300 });
    const job = (await createBatchJob(first.url, { ...CHAT, requests: chatLines(120) })).json as BatchJobWire;
    const queued = (await createBatchJob(first.url, { ...CHAT, requests: chatLines(2, 'later') })).json as BatchJobWire;
    first.batch.configure({ rate: 0 });
    assert.ok(await eventually(async () => (await getBatchJob(first.url, queued.id)).total_requests === 2));
    first.batch.configure({ rate: 300 });
    assert.ok(await eventually(async () => (await getBatchJob(first.url, job.id)).completed_requests >= 20, 200, 10));
    await first.close();
    const saved = JSON.parse(await fs.readFile(path.join(dataDir, 'batch', 'jobs.json'), 'utf8')) as { jobs: BatchJobWire[] };
    const savedJob = saved.jobs.find((candidate) => candidate.id === job.id) as BatchJobWire;
    assert.ok(savedJob.completed_requests >= 20 && savedJob.completed_requests < 120, String(savedJob.completed_requests));

    const second = await startEmulator({ dataDir, apiKey: TEST_API_KEY, batchRate: 0 });
    try {
      const resumed = await getBatchJob(second.url, job.id);
      assert.equal(resumed.status, 'RUNNING');
      assert.equal(resumed.total_requests, 120);
      assert.ok(await eventually(async () => (await getBatchJob(second.url, job.id)).completed_requests === savedJob.completed_requests));
      second.batch.configure({ rate: FAST_BATCH_RATE });
      const done = await waitForBatchJob(second.url, job.id);
      assert.deepEqual([done.status, done.completed_requests, done.succeeded_requests, done.started_at], ['SUCCESS', 120, 120, savedJob.started_at]);
      const lines = await readJsonl(second.url, done.output_file as string);
      assert.deepEqual(lines.map((line) => line.custom_id).sort(), chatLines(120).map((line) => line.custom_id).sort());
      assert.equal(new Set(lines.map((line) => line.id)).size, 120);
      const later = await waitForBatchJob(second.url, queued.id, { inline: true });
      assert.deepEqual(later.outputs?.map((line) => line.custom_id).sort(), ['later-0', 'later-1']);
    } finally {
      await second.close();
    }
  });

  it('two jobs with the same requests get the same answers (results are pure functions of the input)', async () => {
    const emulator = await startTestEmulator({ dataDir, batchRate: FAST_BATCH_RATE });
    try {
      const runs: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        const job = (await createBatchJob(emulator.url, { ...CHAT, requests: chatLines(3) })).json as BatchJobWire;
        const done = await waitForBatchJob(emulator.url, job.id, { inline: true });
        runs.push(done.outputs?.map((line) => ({ custom_id: line.custom_id, content: ((line.response as { body: { choices: { message: unknown }[] } }).body.choices[0].message) })).sort((a, b) => String(a.custom_id).localeCompare(String(b.custom_id))));
      }
      assert.deepEqual(runs[0], runs[1]);
    } finally {
      await emulator.close();
    }
  });
});

describe('emulator: batch demo seed', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator({ seed: 'demo', batchRate: 0 }); });
  after(async () => { await emulator.dispose(); });

  it('has a job in every status, each a valid BatchJob; the finished one has real result files', async () => {
    const list = await call(emulator.url, '/v1/batch/jobs');
    assert.deepEqual(schemas.check('ListBatchJobsResponse', list.json), []);
    const jobs = list.json.data as BatchJobWire[];
    assert.deepEqual(jobs.map((job) => job.status).sort(), [...BATCH_STATUSES].sort());
    const success = jobs.find((job) => job.status === 'SUCCESS') as BatchJobWire;
    const outputs = await readJsonl(emulator.url, success.output_file as string);
    const errors = await readJsonl(emulator.url, success.error_file as string);
    assert.deepEqual([outputs.length, errors.length], [success.succeeded_requests, success.failed_requests]);
    assert.equal(success.total_requests, outputs.length + errors.length);
    const files = (await call(emulator.url, '/v1/files?source=mistral')).json.data as { id: string }[];
    assert.deepEqual(files.map((file) => file.id).sort(), [success.output_file, success.error_file].sort());
    const byStatus = (status: BatchStatus): BatchJobWire => jobs.find((job) => job.status === status) as BatchJobWire;
    assert.ok(byStatus('RUNNING').completed_requests > 0 && byStatus('RUNNING').completed_requests < byStatus('RUNNING').total_requests);
    assert.match(byStatus('FAILED').errors[0].message, /purpose "fine-tune"/);
  });
});

describe('emulator: batch routes through the official SDK', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator({ batchRate: 0 }); });
  after(async () => { await emulator.dispose(); });

  it('create, list (status and metadata filters), get (inline), cancel and delete parse strictly', async () => {
    // The SDK is ESM-only; this file compiles to CommonJS, where import() stays a real dynamic import.
    const { Mistral } = await import('@mistralai/mistralai');
    const client = new Mistral({ apiKey: TEST_API_KEY, serverURL: emulator.url });
    const created = await client.batch.jobs.create({
      endpoint: '/v1/chat/completions', model: 'mistral-small-latest', metadata: { job_type: 'sdk' },
      requests: [{ customId: 'a', body: { messages: [{ role: 'user', content: 'Hello' }] } }],
    });
    assert.equal(created.status, 'QUEUED');
    const other = await client.batch.jobs.create({ endpoint: '/v1/embeddings', model: 'mistral-embed', requests: [{ customId: 'e', body: { input: 'x' } }] });

    const listed = await client.batch.jobs.list({ status: ['QUEUED'], metadata: { job_type: 'sdk' } });
    assert.deepEqual([listed.total, listed.data?.map((job) => job.id)], [1, [created.id]]);

    const cancelled = await client.batch.jobs.cancel({ jobId: other.id });
    assert.equal(cancelled.status, 'CANCELLATION_REQUESTED');

    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    await waitForBatchJob(emulator.url, created.id);
    const finished = await client.batch.jobs.get({ jobId: created.id, inline: true });
    assert.equal(finished.status, 'SUCCESS');
    assert.equal(finished.outputs?.[0].custom_id, 'a');
    assert.equal(finished.totalRequests, 1);
    assert.equal((await client.batch.jobs.get({ jobId: other.id })).status, 'CANCELLED');

    const deleted = await client.batch.jobs.delete({ jobId: other.id });
    assert.equal(deleted.deleted, true);
    const all = await client.batch.jobs.list({ orderBy: 'created' });
    assert.deepEqual(all.data?.map((job) => job.id), [created.id]);
  });
});
