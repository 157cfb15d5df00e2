/** GET /v1/batch/jobs filters and paging, create-time 422 bodies and faults on the batch routes. */
import * as assert from 'node:assert/strict';
import { createSchemaValidator } from '../emulator/openapiSchemas';
import { call, startTestEmulator, type TestEmulator } from '../emulator/testSupport';
import { chatLines, createBatchJob, FAST_BATCH_RATE, waitForBatchJob, type BatchJobWire } from '../emulator/batch/testSupport';

const schemas = createSchemaValidator();

describe('emulator: batch job list', () => {
  let emulator: TestEmulator;
  const jobs: BatchJobWire[] = [];
  let midpoint = '';

  before(async () => {
    emulator = await startTestEmulator({ batchRate: FAST_BATCH_RATE });
    const specs = [
      { model: 'mistral-small-latest', metadata: { job_type: 'testing', team: 'a' } },
      { model: 'mistral-large-latest', metadata: { job_type: 'testing', team: 'b' } },
      { model: 'mistral-small-latest', metadata: null },
      { agent_id: 'ag:1234', metadata: { job_type: 'prod' } },
    ];
    for (const [index, spec] of specs.entries()) {
      if (index === 2) {
        // created_after compares milliseconds; leave a clear gap around the midpoint.
        await new Promise((resolve) => setTimeout(resolve, 15));
        midpoint = new Date().toISOString();
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      const res = await createBatchJob(emulator.url, { endpoint: '/v1/chat/completions', requests: chatLines(1), ...spec });
      assert.equal(res.status, 200, res.body.toString());
      jobs.push(res.json);
    }
    for (const job of jobs.slice(0, 3)) await waitForBatchJob(emulator.url, job.id);
    emulator.batch.configure({ rate: 0 });
  });
  after(async () => { await emulator.dispose(); });

  const ids = async (query: string): Promise<string[]> => {
    const res = await call(emulator.url, `/v1/batch/jobs${query}`);
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(schemas.check('ListBatchJobsResponse', res.json), []);
    assert.equal(res.json.object, 'list');
    return res.json.data.map((job: BatchJobWire) => job.id);
  };
  const byIndex = (...indices: number[]): string[] => indices.map((i) => jobs[i].id);

  it('lists newest first by default, oldest first with order_by=created, and reports the total', async () => {
    assert.deepEqual(await ids(''), byIndex(3, 2, 1, 0));
    assert.deepEqual(await ids('?order_by=-created'), byIndex(3, 2, 1, 0));
    assert.deepEqual(await ids('?order_by=created'), byIndex(0, 1, 2, 3));
    const page = await call(emulator.url, '/v1/batch/jobs?page=1&page_size=3');
    assert.deepEqual([page.json.total, page.json.data.map((job: BatchJobWire) => job.id)], [4, byIndex(0)]);
    assert.deepEqual(await ids('?page=2&page_size=3'), []);
  });

  it('filters by repeated status, model, agent_id, created_after, created_by_me', async () => {
    const running = (await call(emulator.url, `/v1/batch/jobs/${jobs[3].id}`)).json.status;
    assert.ok(['QUEUED', 'RUNNING', 'SUCCESS'].includes(running));
    assert.deepEqual(await ids('?status=SUCCESS'), running === 'SUCCESS' ? byIndex(3, 2, 1, 0) : byIndex(2, 1, 0));
    assert.deepEqual(await ids('?status=CANCELLED&status=SUCCESS'), await ids('?status=SUCCESS'));
    assert.deepEqual(await ids('?status=FAILED'), []);
    assert.deepEqual(await ids('?model=mistral-small-latest'), byIndex(2, 0));
    assert.deepEqual(await ids('?agent_id=ag%3A1234'), byIndex(3));
    assert.deepEqual(await ids(`?created_after=${encodeURIComponent(midpoint)}`), byIndex(3, 2));
    assert.deepEqual(await ids('?created_by_me=true'), byIndex(3, 2, 1, 0));
    const total = await call(emulator.url, '/v1/batch/jobs?model=mistral-small-latest&page_size=1');
    assert.equal(total.json.total, 2);
  });

  it('filters by metadata exploded into top-level keys (as the SDKs send it) or as metadata=<JSON>', async () => {
    assert.deepEqual(await ids('?job_type=testing'), byIndex(1, 0));
    assert.deepEqual(await ids('?job_type=testing&team=b'), byIndex(1));
    assert.deepEqual(await ids(`?metadata=${encodeURIComponent('{"job_type":"prod"}')}`), byIndex(3));
    assert.deepEqual(await ids('?job_type=nothing'), []);
  });

  it('answers bad query values with FastAPI 422 detail items', async () => {
    const cases: [string, string, (string | number)[]][] = [
      ['?page=-1', 'greater_than_equal', ['query', 'page']],
      ['?page_size=x', 'int_parsing', ['query', 'page_size']],
      ['?status=DONE', 'enum', ['query', 'status', 0]],
      ['?order_by=name', 'enum', ['query', 'order_by']],
      ['?created_by_me=maybe', 'bool_parsing', ['query', 'created_by_me']],
      ['?created_after=yesterday', 'datetime_from_date_parsing', ['query', 'created_after']],
      ['?metadata=notjson', 'dict_type', ['query', 'metadata']],
    ];
    for (const [query, type, loc] of cases) {
      const res = await call(emulator.url, `/v1/batch/jobs${query}`);
      assert.equal(res.status, 422, query);
      assert.deepEqual(schemas.check('HTTPValidationError', res.json), [], query);
      assert.deepEqual([res.json.detail.length, res.json.detail[0].type, res.json.detail[0].loc], [1, type, loc], query);
    }
    const inline = await call(emulator.url, `/v1/batch/jobs/${jobs[0].id}?inline=perhaps`);
    assert.deepEqual([inline.status, inline.json.detail[0].loc], [422, ['query', 'inline']]);
  });
});

describe('emulator: batch create validation, 404s and faults', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator({ batchRate: 0 }); });
  after(async () => { await emulator.dispose(); });

  const detail = async (body: unknown): Promise<{ type: string; loc: (string | number)[] }[]> => {
    const res = await call(emulator.url, '/v1/batch/jobs', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    assert.equal(res.status, 422, res.body.toString());
    assert.deepEqual(schemas.check('HTTPValidationError', res.json), []);
    return res.json.detail.map((item: { type: string; loc: (string | number)[] }) => ({ type: item.type, loc: item.loc }));
  };

  it('lists every invalid field at once, in declaration order, with pydantic types', async () => {
    assert.deepEqual(await detail({
      input_files: ['nope'], requests: [{ custom_id: 5 }], endpoint: '/v1/unknown', model: 3,
      metadata: { '': 'x', long: 'y'.repeat(513) }, timeout_hours: 169,
    }), [
      { type: 'uuid_parsing', loc: ['body', 'input_files', 0] },
      { type: 'string_type', loc: ['body', 'requests', 0, 'custom_id'] },
      { type: 'missing', loc: ['body', 'requests', 0, 'body'] },
      { type: 'enum', loc: ['body', 'endpoint'] },
      { type: 'string_type', loc: ['body', 'model'] },
      { type: 'string_too_short', loc: ['body', 'metadata', '', '[key]'] },
      { type: 'string_too_long', loc: ['body', 'metadata', 'long'] },
      { type: 'less_than_equal', loc: ['body', 'timeout_hours'] },
    ]);
    assert.deepEqual(await detail({}), [{ type: 'missing', loc: ['body', 'endpoint'] }]);
    assert.deepEqual(await detail('{"endpoint": '), [{ type: 'json_invalid', loc: ['body', 13] }]);
    assert.deepEqual(await detail([]), [{ type: 'model_attributes_type', loc: ['body'] }]);
    assert.deepEqual(await detail({ endpoint: '/v1/ocr', timeout_hours: 1.5 }), [{ type: 'int_from_float', loc: ['body', 'timeout_hours'] }]);
  });

  it('at most 10,000 inline requests; exactly one of input_files/requests and of model/agent_id', async () => {
    const many = Array.from({ length: 10_001 }, () => ({ body: {} }));
    assert.deepEqual(await detail({ endpoint: '/v1/embeddings', model: 'm', requests: many }), [{ type: 'too_long', loc: ['body', 'requests'] }]);
    const limit = await createBatchJob(emulator.url, { endpoint: '/v1/embeddings', model: 'm', requests: many.slice(1) });
    assert.equal(limit.status, 200);
    const fileAndInline = { endpoint: '/v1/embeddings', model: 'm', input_files: ['0b8e6a02-5f3c-4a5e-9d7e-111111111111'], requests: [{ body: {} }] };
    assert.deepEqual(await detail(fileAndInline), [{ type: 'value_error', loc: ['body'] }]);
    assert.deepEqual(await detail({ endpoint: '/v1/embeddings', model: 'm', requests: [] }), [{ type: 'value_error', loc: ['body'] }]);
    assert.deepEqual(await detail({ endpoint: '/v1/embeddings', requests: [{ body: {} }] }), [{ type: 'value_error', loc: ['body'] }]);
    assert.deepEqual(await detail({ endpoint: '/v1/embeddings', model: 'm', agent_id: 'a', requests: [{ body: {} }] }), [{ type: 'value_error', loc: ['body'] }]);
  });

  it('malformed job ids are 422 uuid_parsing at path.job_id; unknown ones 404 Batch job not found', async () => {
    for (const [method, suffix] of [['GET', ''], ['DELETE', ''], ['POST', '/cancel']] as const) {
      const bad = await call(emulator.url, `/v1/batch/jobs/not-a-uuid${suffix}`, { method });
      assert.deepEqual([bad.status, bad.json.detail[0].type, bad.json.detail[0].loc], [422, 'uuid_parsing', ['path', 'job_id']]);
      const unknown = await call(emulator.url, `/v1/batch/jobs/0b8e6a02-5f3c-4a5e-9d7e-000000000000${suffix}`, { method });
      assert.deepEqual([unknown.status, unknown.json], [404, { detail: 'Batch job not found' }]);
    }
    assert.deepEqual((await call(emulator.url, '/v1/batch/jobs', { method: 'DELETE' })).status, 405);
    assert.deepEqual((await call(emulator.url, '/v1/batch/other')).json, { detail: 'Not Found' });
    assert.equal((await call(emulator.url, '/v1/batch/jobs', { apiKey: 'wrong' })).status, 401);
  });

  it('faults apply to batch routes: status with Retry-After, 404 body, delay, reset; over HTTP too', async () => {
    emulator.faults.add({ method: 'GET', path: '^/v1/batch/jobs$', status: 429, retryAfterSeconds: 2 });
    const limited = await call(emulator.url, '/v1/batch/jobs');
    assert.deepEqual([limited.status, limited.headers['retry-after'], limited.json.type], [429, '2', 'rate_limited']);
    assert.equal((await call(emulator.url, '/v1/batch/jobs')).status, 200);

    const job = (await createBatchJob(emulator.url, { endpoint: '/v1/embeddings', model: 'm', requests: [{ body: { input: 'x' } }] })).json as BatchJobWire;
    const rule = await call(emulator.url, '/_emulator/faults', { method: 'POST', body: JSON.stringify({ path: '^/v1/batch/jobs/[^/]+$', status: 404 }) });
    assert.equal(rule.status, 200);
    assert.deepEqual((await call(emulator.url, `/v1/batch/jobs/${job.id}`)).json, { detail: 'Batch job not found' });

    emulator.faults.add({ path: '/cancel$', delayMs: 150 });
    const started = Date.now();
    assert.equal((await call(emulator.url, `/v1/batch/jobs/${job.id}/cancel`, { method: 'POST' })).status, 200);
    assert.ok(Date.now() - started >= 140);

    emulator.faults.add({ method: 'GET', path: '^/v1/batch/jobs$', resetAfterBytes: 10 });
    await assert.rejects(call(emulator.url, '/v1/batch/jobs'));
  });
});
