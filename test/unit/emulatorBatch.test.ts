/**
 * The emulator's Batch API over real HTTP: job lifecycle and counters, cancel, inline requests, error lines,
 * result files in the Files API, 404/422 bodies. Every answer is checked against the strict OpenAPI schemas.
 */
import * as assert from 'node:assert/strict';
import { createSchemaValidator, type ResponseSchemaName } from '../emulator/openapiSchemas';
import { call, eventually, startTestEmulator, upload, type TestEmulator } from '../emulator/testSupport';
import {
  chatLines, createBatchJob, FAST_BATCH_RATE, getBatchJob, readJsonl, setBatchSettings, uploadBatchInput, waitForBatchJob,
  type BatchJobWire, type ResultLine,
} from '../emulator/batch/testSupport';

const schemas = createSchemaValidator();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function conforms(schema: ResponseSchemaName, value: unknown): void {
  assert.deepEqual(schemas.check(schema, value), [], `${schema}: ${JSON.stringify(value).slice(0, 500)}`);
}

const CHAT = { model: 'mistral-small-latest', endpoint: '/v1/chat/completions' };

describe('emulator: batch jobs lifecycle', () => {
  let emulator: TestEmulator;
  beforeEach(async () => { emulator = await startTestEmulator({ batchRate: 0 }); });
  afterEach(async () => { await emulator.dispose(); });

  it('create answers 200 with a QUEUED job, counts still 0; it runs to SUCCESS with result files visible in the Files API', async () => {
    const fileId = await uploadBatchInput(emulator.url, chatLines(5));
    const created = await createBatchJob(emulator.url, { ...CHAT, input_files: [fileId], metadata: { job_type: 'testing' } });
    assert.equal(created.status, 200);
    conforms('BatchJob', created.json);
    const job = created.json as BatchJobWire;
    assert.match(job.id, UUID);
    assert.deepEqual(
      { status: job.status, total: job.total_requests, done: job.completed_requests, input: job.input_files, out: job.output_file, started: job.started_at, errors: job.errors, outputs: job.outputs },
      { status: 'QUEUED', total: 0, done: 0, input: [fileId], out: null, started: null, errors: [], outputs: null },
    );
    // Frozen: validation still counts the lines, but the job does not start.
    assert.ok(await eventually(async () => (await getBatchJob(emulator.url, job.id)).total_requests === 5));
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal((await getBatchJob(emulator.url, job.id)).status, 'QUEUED');

    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const done = await waitForBatchJob(emulator.url, job.id);
    conforms('BatchJob', done);
    assert.equal(done.status, 'SUCCESS');
    assert.deepEqual([done.total_requests, done.completed_requests, done.succeeded_requests, done.failed_requests], [5, 5, 5, 0]);
    assert.ok(done.started_at !== null && done.completed_at !== null && done.started_at >= done.created_at && done.completed_at >= done.started_at);
    assert.equal(done.error_file, null);
    assert.deepEqual(done.errors, []);

    const file = await call(emulator.url, `/v1/files/${done.output_file}`);
    conforms('GetFileResponse', file.json);
    assert.deepEqual(
      { purpose: file.json.purpose, sample_type: file.json.sample_type, source: file.json.source, mimetype: file.json.mimetype, num_lines: file.json.num_lines, filename: file.json.filename },
      { purpose: 'batch', sample_type: 'batch_result', source: 'mistral', mimetype: 'application/jsonl', num_lines: 5, filename: `${job.id}.jsonl` },
    );
    const listed = await call(emulator.url, '/v1/files?sample_type=batch_result');
    assert.deepEqual(listed.json.data.map((f: { id: string }) => f.id), [done.output_file]);

    const lines = await readJsonl(emulator.url, done.output_file as string) as unknown as ResultLine[];
    assert.deepEqual(lines.map((line) => line.custom_id).sort(), ['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
    for (const line of lines) {
      const index = Number(String(line.custom_id).slice(4));
      assert.match(line.id, new RegExp(`^batch-${job.id.slice(0, 8)}-${index + 1}-[0-9a-f-]{36}$`));
      assert.equal(line.error, null);
      assert.equal(line.response?.status_code, 200);
      const body = line.response?.body as { object: string; model: string; choices: { message: { content: string } }[]; usage: Record<string, number> };
      assert.equal(body.object, 'chat.completion');
      assert.equal(body.model, 'mistral-small-latest');
      assert.equal(body.choices[0].message.content, `Emulated reply to: Question ${index}`);
      assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    }
  });

  it('counters move while RUNNING (completed = succeeded + failed) and lines come out of input order', async () => {
    emulator.batch.configure({ rate: 400 });
    const lines = chatLines(200);
    lines[7] = { custom_id: 'req-7', body: { messages: 'not a list' } };
    const fileId = await uploadBatchInput(emulator.url, lines);
    const job = (await createBatchJob(emulator.url, { ...CHAT, input_files: [fileId] })).json as BatchJobWire;
    const seen = new Set<number>();
    let current = await getBatchJob(emulator.url, job.id);
    while (current.status !== 'SUCCESS') {
      assert.ok(['QUEUED', 'RUNNING'].includes(current.status), current.status);
      assert.equal(current.completed_requests, current.succeeded_requests + current.failed_requests);
      if (current.status === 'RUNNING') seen.add(current.completed_requests);
      await new Promise((resolve) => setTimeout(resolve, 15));
      current = await getBatchJob(emulator.url, job.id);
    }
    assert.ok([...seen].some((n) => n > 0 && n < 200), `no intermediate count seen: ${[...seen].join(',')}`);
    assert.deepEqual([current.completed_requests, current.succeeded_requests, current.failed_requests], [200, 199, 1]);
    const ids = (await readJsonl(emulator.url, current.output_file as string)).map((line) => line.custom_id);
    assert.equal(ids.length, 199);
    assert.notDeepEqual(ids, [...ids].sort((a, b) => Number(String(a).slice(4)) - Number(String(b).slice(4))), 'output should not be in input order');
  });

  it('bad lines go to the error file with the reference line shape', async () => {
    emulator.batch.failRequests({ customId: 'doomed' });
    emulator.batch.failRequests({ model: 'mistral-small-latest', customId: 'model-fail', statusCode: 503, message: 'Model overloaded' });
    const fileId = await uploadBatchInput(emulator.url, [
      { custom_id: 'ok', body: { messages: [{ role: 'user', content: 'Hi' }] } },
      '{"custom_id": "broken", "body": ',
      '{"custom_id":"nobody"}',
      { custom_id: 'ok', body: { messages: [{ role: 'user', content: 'again' }] } },
      { custom_id: 'rejected', body: { max_tokens: 5 } },
      { custom_id: 'doomed', body: { messages: [{ role: 'user', content: 'x' }] } },
      { custom_id: 'model-fail', body: { messages: [{ role: 'user', content: 'y' }] } },
      '',
    ]);
    const job = (await createBatchJob(emulator.url, { ...CHAT, input_files: [fileId] })).json as BatchJobWire;
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const done = await waitForBatchJob(emulator.url, job.id);
    conforms('BatchJob', done);
    assert.equal(done.status, 'SUCCESS');
    assert.deepEqual([done.total_requests, done.succeeded_requests, done.failed_requests], [7, 1, 6]);
    const errorFile = await call(emulator.url, `/v1/files/${done.error_file}`);
    assert.deepEqual([errorFile.json.sample_type, errorFile.json.filename, errorFile.json.num_lines], ['batch_error', `${job.id}_error.jsonl`, 6]);
    const byLine = new Map((await readJsonl(emulator.url, done.error_file as string)).map((line) => [Number(String(line.id).split('-')[2]), line as unknown as ResultLine]));
    const status = (n: number): number | undefined => byLine.get(n)?.response?.status_code;
    assert.deepEqual([2, 3, 4, 5, 6, 7].map(status), [400, 400, 400, 422, 500, 503]);
    for (const line of byLine.values()) {
      assert.deepEqual(Object.keys(line), ['id', 'custom_id', 'response', 'error']);
      assert.equal(typeof line.error?.message, 'string');
    }
    assert.match(String(byLine.get(2)?.error?.message), /Invalid JSON on line 2/);
    assert.equal(byLine.get(2)?.custom_id, null);
    assert.match(String(byLine.get(3)?.error?.message), /Missing "body"/);
    assert.match(String(byLine.get(4)?.error?.message), /Duplicate custom_id "ok"/);
    assert.deepEqual((byLine.get(5)?.response?.body as { message: { detail: { loc: string[] }[] } }).message.detail[0].loc, ['body', 'messages']);
    assert.deepEqual(byLine.get(7)?.error, { message: 'Model overloaded' });
    assert.deepEqual(done.errors, [
      { message: 'Request failed with status 400', count: 3 }, { message: 'Request failed with status 422', count: 1 },
      { message: 'Request failed with status 500', count: 1 }, { message: 'Request failed with status 503', count: 1 },
    ]);
  });

  it('inline requests: outputs only with ?inline=true once finished, and a model told to fail', async () => {
    await setBatchSettings(emulator.url, { rate: FAST_BATCH_RATE });
    emulator.batch.failRequests({ model: 'broken-model' });
    const created = await createBatchJob(emulator.url, { model: 'broken-model', endpoint: '/v1/embeddings', requests: [{ custom_id: 'a', body: { input: 'x' } }] });
    const failedModel = await waitForBatchJob(emulator.url, created.json.id, { inline: true });
    assert.equal(failedModel.outputs?.length, 1);
    const line = failedModel.outputs?.[0] as unknown as ResultLine;
    assert.deepEqual(line.response, { status_code: 400, body: { object: 'error', message: 'Invalid model: broken-model', type: 'invalid_model', param: null, code: '1500' } });

    const job = (await createBatchJob(emulator.url, { ...CHAT, requests: chatLines(3, 'inline') })).json as BatchJobWire;
    assert.deepEqual(job.input_files, []);
    const plain = await waitForBatchJob(emulator.url, job.id);
    assert.equal(plain.outputs, null);
    const inline = await getBatchJob(emulator.url, job.id, true);
    conforms('BatchJob', inline);
    assert.deepEqual(inline.outputs?.map((output) => output.custom_id).sort(), ['inline-0', 'inline-1', 'inline-2']);
    assert.deepEqual(inline.outputs, await readJsonl(emulator.url, inline.output_file as string));
  });

  it('cancel while QUEUED: CANCELLATION_REQUESTED until the world moves, then CANCELLED with no result files', async () => {
    const job = (await createBatchJob(emulator.url, { ...CHAT, requests: chatLines(5) })).json as BatchJobWire;
    const cancel = await call(emulator.url, `/v1/batch/jobs/${job.id}/cancel`, { method: 'POST' });
    assert.equal(cancel.status, 200);
    conforms('BatchJob', cancel.json);
    assert.equal(cancel.json.status, 'CANCELLATION_REQUESTED');
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal((await getBatchJob(emulator.url, job.id)).status, 'CANCELLATION_REQUESTED');
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const cancelled = await waitForBatchJob(emulator.url, job.id);
    assert.deepEqual(
      [cancelled.status, cancelled.completed_requests, cancelled.output_file, cancelled.error_file, cancelled.started_at === null, cancelled.completed_at !== null],
      ['CANCELLED', 0, null, null, true, true],
    );
    const again = await call(emulator.url, `/v1/batch/jobs/${job.id}/cancel`, { method: 'POST' });
    assert.deepEqual(again.json, cancelled, 'cancelling a finished job changes nothing');
  });

  it('cancel while RUNNING stops taking lines and keeps the finished ones in the result file', async () => {
    emulator.batch.configure({ rate: 100 });
    const job = (await createBatchJob(emulator.url, { ...CHAT, requests: chatLines(2000) })).json as BatchJobWire;
    assert.ok(await eventually(async () => (await getBatchJob(emulator.url, job.id)).completed_requests >= 5, 500, 10));
    const cancel = await call(emulator.url, `/v1/batch/jobs/${job.id}/cancel`, { method: 'POST' });
    assert.equal(cancel.json.status, 'CANCELLATION_REQUESTED');
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const cancelled = await waitForBatchJob(emulator.url, job.id);
    assert.equal(cancelled.status, 'CANCELLED');
    // At most the slice running when the cancel arrived may still finish; nothing after it starts.
    const after = cancelled.completed_requests - cancel.json.completed_requests;
    assert.ok(after >= 0 && after <= 5 && cancelled.completed_requests < 2000, `${cancel.json.completed_requests} → ${cancelled.completed_requests}`);
    assert.equal((await readJsonl(emulator.url, cancelled.output_file as string)).length, cancelled.completed_requests);
  });

  it('timeout_hours runs out (scaled by batchTimeoutHourMs) → TIMEOUT_EXCEEDED; missing or wrong-purpose input → FAILED', async () => {
    const scaled = await startTestEmulator({ batchRate: 0, batchTimeoutHourMs: 50 });
    try {
      const startedAt = Date.now();
      const job = (await createBatchJob(scaled.url, { ...CHAT, requests: chatLines(2), timeout_hours: 2 })).json as BatchJobWire;
      const timedOut = await waitForBatchJob(scaled.url, job.id);
      const elapsed = Date.now() - startedAt;
      conforms('BatchJob', timedOut);
      assert.equal(timedOut.status, 'TIMEOUT_EXCEEDED');
      assert.ok(timedOut.completed_at !== null && timedOut.started_at === null);
      assert.deepEqual(timedOut.errors, [{ message: 'Batch job did not complete within 2 hours', count: 1 }]);
      assert.ok(elapsed >= 100, `timed out after ${elapsed} ms, before 2 emulated hours of 50 ms`);
    } finally {
      await scaled.dispose();
    }
    const unknown = (await createBatchJob(emulator.url, { ...CHAT, input_files: ['0b8e6a02-5f3c-4a5e-9d7e-111111111111'] })).json as BatchJobWire;
    const failed = await waitForBatchJob(emulator.url, unknown.id);
    assert.equal(failed.status, 'FAILED');
    assert.deepEqual(failed.errors, [{ message: 'Input file 0b8e6a02-5f3c-4a5e-9d7e-111111111111 not found', count: 1 }]);
    const training = await upload(emulator.url, { filename: 'train.jsonl', content: '{"messages":[]}\n', purpose: 'fine-tune' });
    const wrongPurpose = await waitForBatchJob(emulator.url, (await createBatchJob(emulator.url, { ...CHAT, input_files: [training.json.id] })).json.id);
    assert.equal(wrongPurpose.status, 'FAILED');
    assert.match(wrongPurpose.errors[0].message, /purpose "fine-tune"/);
  });

  it('delete answers DeleteBatchJobResponse; the job is gone (404 body), its result files stay', async () => {
    emulator.batch.configure({ rate: FAST_BATCH_RATE });
    const job = (await createBatchJob(emulator.url, { ...CHAT, requests: chatLines(1) })).json as BatchJobWire;
    const done = await waitForBatchJob(emulator.url, job.id);
    const deleted = await call(emulator.url, `/v1/batch/jobs/${job.id}`, { method: 'DELETE' });
    conforms('DeleteBatchJobResponse', deleted.json);
    assert.deepEqual(deleted.json, { id: job.id, object: 'batch', deleted: true });
    for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['POST', '/cancel']] as const) {
      const res = await call(emulator.url, `/v1/batch/jobs/${job.id}${suffix}`, { method });
      assert.deepEqual([res.status, res.json], [404, { detail: 'Batch job not found' }], `${method} ${suffix}`);
    }
    assert.equal((await call(emulator.url, `/v1/files/${done.output_file}`)).status, 200);
  });
});
