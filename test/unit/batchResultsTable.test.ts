/**
 * The paged results table: the same join as the streaming joinBatchResults, read a row at a time; filters, sorts,
 * error groups, the raw input lines behind "Create Batch from Failed Requests", and a job run on the emulator.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { jobResultSources, joinBatchResults, type JoinedResult, type JoinSources, type LineSource } from '../../src/api/batch/join';
import { requestSummary, responseSummary } from '../../src/api/batch/resultSummary';
import { ResultsTable } from '../../src/api/batch/resultsTable';
import type { MistralClient } from '../../src/api/client';
import { isAbortError } from '../../src/api/core/errors';
import { FAST_BATCH_RATE, chatLines } from '../emulator/batch/testSupport';
import { startHarness, writeFile, type Harness } from './clientSupport/fixture';

function memorySource(name: string, text: string, chunkBytes = 11): LineSource {
  return {
    name,
    open: async () => {
      const bytes = Buffer.from(text, 'utf8');
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
      return Readable.from(chunks);
    },
  };
}

const jsonl = (values: unknown[]): string => values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join('\n') + '\n';
const chat = (customId: string, question: string): unknown => ({ custom_id: customId, body: { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: question }] } });
const ok = (customId: string, answer: string, tokens = 10): unknown => ({
  id: `r-${customId}`,
  custom_id: customId,
  response: { status_code: 200, body: { object: 'chat.completion', usage: { total_tokens: tokens }, choices: [{ index: 0, message: { role: 'assistant', content: answer } }] } },
  error: null,
});
const failed = (customId: string, code: number, message: string): unknown => ({ id: `e-${customId}`, custom_id: customId, response: { status_code: code, body: { message } }, error: { message } });

/** Ten requests: req-3 and req-7 fail with one message, req-5 with another, req-9 has no result. */
function fixture(): { sources: () => JoinSources; inputs: string } {
  const ids = Array.from({ length: 10 }, (_, i) => `req-${i + 1}`);
  const inputs = `\ufeff${jsonl(ids.map((id, i) => chat(id, `Question number ${i + 1}`)))}`;
  const failures = new Map([['req-3', 'Invalid model: mistral-huge'], ['req-7', 'Invalid model: mistral-huge'], ['req-5', 'Request timed out']]);
  const succeeded = ids.filter((id) => !failures.has(id) && id !== 'req-9').reverse();
  const output = jsonl([...succeeded.map((id, i) => ok(id, `Answer to ${id}`, 10 + i)), 'not json at all', ok('stray', 'nobody asked')]);
  const errors = jsonl([...failures].map(([id, message]) => failed(id, id === 'req-5' ? 504 : 400, message)));
  return {
    inputs,
    sources: () => ({ inputs: [memorySource('in.jsonl', inputs)], results: [memorySource('out.jsonl', output), memorySource('err.jsonl', errors)] }),
  };
}

describe('batch results table (paged join)', () => {
  let tempDir: string;
  const tables: ResultsTable[] = [];
  const open = async (sources: JoinSources): Promise<ResultsTable> => {
    const table = await ResultsTable.open(sources, { tempDir });
    tables.push(table);
    return table;
  };
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-table-test-'));
  });
  afterEach(async () => {
    await Promise.all(tables.splice(0).map((table) => table.close()));
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('agrees row for row with the streaming join, and reads details back on demand', async () => {
    const { sources } = fixture();
    const table = await open(sources());
    const streamed: JoinedResult[] = [];
    const stats = { requests: 0, succeeded: 0, failed: 0, missing: 0, unmatchedResults: 0, unreadableResults: 0 };
    for await (const record of joinBatchResults(sources(), { stats, tempDir })) streamed.push(record);
    assert.equal(table.rowCount, streamed.length);
    assert.deepEqual({ ...table.stats }, stats);
    assert.deepEqual(table.stats, { requests: 10, succeeded: 6, failed: 3, missing: 1, unmatchedResults: 1, unreadableResults: 1 });
    // Read in a scattered order, as a scrolling table does.
    for (const index of [9, 0, 4, 2, 8, 1, 7, 3, 6, 5]) {
      const record = streamed[index];
      const row = table.row(index);
      assert.deepEqual([row.custom_id, row.status, row.status_code, row.error], [record.custom_id, record.status, record.status_code, record.error?.message ?? null]);
      assert.equal(row.request, requestSummary(record.request));
      assert.equal(row.response, responseSummary(record.response));
      const detail = await table.detail(index);
      assert.deepEqual(detail.request, record.request);
      assert.deepEqual(detail.response, record.response);
      assert.deepEqual(detail.error, record.error);
    }
    assert.deepEqual(table.row(0), { index: 0, custom_id: 'req-1', status: 'succeeded', status_code: 200, request: 'Question number 1', response: 'Answer to req-1', tokens: 15, error: null });
    assert.equal(table.row(8).status, 'missing');
    assert.equal(table.row(8).error, 'No result for this request');
  });

  it('reads lines of unusual shape as the streaming join does (only the documented shapes skip the parse)', async () => {
    const body = { choices: [{ message: { role: 'assistant', content: 'fine' } }], usage: { total_tokens: 3 } };
    const inputs = jsonl([
      { custom_id: 'k1', body: { messages: [{ role: 'user', content: 'one' }] } },
      { body: { messages: [{ role: 'user', content: 'body first' }] }, custom_id: 'k2' },
      { custom_id: 7, body: { input: 'numeric id' } },
      { custom_id: 'k4', body: { prompt: 'nested error key' } },
      { custom_id: 'k5', body: { prompt: 'status 201' } },
    ]);
    const output = jsonl([
      { custom_id: 'k1', error: null, response: { status_code: 200, body } },
      { id: 'b', custom_id: 'k2', response: { status_code: 200, body }, error: null },
      { id: 'c', custom_id: 7, response: { status_code: 200, body: { data: [{ embedding: [1, 2] }] } }, error: null },
      // A body that itself ends in "error":null, with the line's own error set: a failure.
      { id: 'd', custom_id: 'k4', response: { status_code: 200, body: { error: null } }, error: { message: 'late failure' } },
      { id: 'e', custom_id: 'k5', response: { status_code: 201, body }, error: null },
    ]);
    const sources = (): JoinSources => ({ inputs: [memorySource('in.jsonl', inputs)], results: [memorySource('out.jsonl', output)] });
    const table = await open(sources());
    const streamed: JoinedResult[] = [];
    for await (const record of joinBatchResults(sources(), { tempDir })) streamed.push(record);
    assert.deepEqual(streamed.map((r) => r.status), ['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded']);
    for (const [index, record] of streamed.entries()) {
      const row = table.row(index);
      assert.deepEqual([row.custom_id, row.status, row.status_code, row.error], [record.custom_id, record.status, record.status_code, record.error?.message ?? null], `row ${index}`);
      assert.equal(row.request, requestSummary(record.request));
      assert.equal(row.response, responseSummary(record.response));
    }
    assert.equal(table.row(0).tokens, 3);
  });

  it('filters by status, text and error group, and sorts numerically aware', async () => {
    const table = await open(fixture().sources());
    const ids = (rows: Int32Array): (string | null)[] => [...rows].map((index) => table.row(index).custom_id);
    assert.deepEqual(ids(table.query({ statuses: ['failed', 'missing'] })), ['req-3', 'req-5', 'req-7', 'req-9']);
    assert.deepEqual(ids(table.query({ text: 'NUMBER 1' })), ['req-1', 'req-10']);
    assert.deepEqual(ids(table.query({ text: 'timed out' })), ['req-5']);
    assert.deepEqual(ids(table.query({ error: 'Invalid model: mistral-huge' })), ['req-3', 'req-7']);
    assert.deepEqual(ids(table.query({ error: 'never seen' })), []);
    assert.deepEqual(ids(table.query({ sort: 'custom_id' })).slice(-2), ['req-9', 'req-10']);
    assert.deepEqual(ids(table.query({ sort: 'custom_id', descending: true })).slice(0, 2), ['req-10', 'req-9']);
    assert.deepEqual(ids(table.query({ sort: 'status' })).slice(0, 4), ['req-3', 'req-5', 'req-7', 'req-9']);
    // Rows without tokens sort last; among the rest, fewer first.
    const byTokens = ids(table.query({ sort: 'tokens' }));
    assert.deepEqual(byTokens.slice(0, 2), ['req-10', 'req-8']);
    assert.deepEqual(new Set(byTokens.slice(-4)), new Set(['req-3', 'req-5', 'req-7', 'req-9']));
  });

  it('prepares the summaries a text filter needs ahead of the query, and stops when aborted', async () => {
    const table = await open(fixture().sources());
    const controller = new AbortController();
    controller.abort();
    assert.ok(isAbortError(await table.prepare({ text: 'x' }, controller.signal).then(() => undefined, (e: unknown) => e)));
    await table.prepare({ text: 'answer to req-1' });
    assert.deepEqual([...table.query({ text: 'answer to req-1' })].map((index) => table.row(index).custom_id), ['req-1', 'req-10']);
  });

  it('groups failures by message, most frequent first', async () => {
    const table = await open(fixture().sources());
    assert.deepEqual(table.errorGroups(), [
      { message: 'Invalid model: mistral-huge', count: 2 },
      { message: 'No result for this request', count: 1 },
      { message: 'Request timed out', count: 1 },
    ]);
  });

  it('gives back the exact input lines of the requests that did not succeed', async () => {
    const { sources, inputs } = fixture();
    const table = await open(sources());
    const lines = inputs.replace(/^\ufeff/, '').trim().split('\n');
    const unsuccessful = table.unsuccessfulRows();
    assert.deepEqual(unsuccessful, [2, 4, 6, 8]);
    for (const index of unsuccessful) assert.equal((await table.inputLine(index))?.toString('utf8'), lines[index]);
    assert.equal(await table.inputLine(99), undefined);
  });

  it('opens a results file alone: one row per result line, in file order, no request', async () => {
    const output = jsonl([ok('b', 'B'), failed('a', 400, 'bad'), ok('c', 'C')]);
    const table = await open({ inputs: [], results: [memorySource('out.jsonl', output)] });
    assert.equal(table.hasInputs, false);
    assert.deepEqual([0, 1, 2].map((index) => [table.row(index).custom_id, table.row(index).status]), [['b', 'succeeded'], ['a', 'failed'], ['c', 'succeeded']]);
    assert.equal((await table.detail(1)).request, undefined);
    assert.equal(await table.inputLine(0), undefined);
  });

  it('summarises every endpoint body in one line', () => {
    assert.equal(requestSummary({ input: ['alpha', 'beta', 'gamma'] }), 'alpha (+2)');
    assert.equal(requestSummary({ document: { document_url: 'https://example.invalid/a.pdf' } }), 'https://example.invalid/a.pdf');
    assert.equal(requestSummary({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: 'data:…' }] }] }), 'What is this? [image]');
    assert.equal(responseSummary({ data: [{ embedding: [0.1, 0.2, 0.3] }] }), 'vector[3]');
    assert.equal(responseSummary({ pages: [{ markdown: '# Invoice\n\nTotal' }, { markdown: '' }] }), '2 pages · # Invoice Total');
    assert.equal(
      responseSummary({ choices: [{ message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'lookup', arguments: '{"q":1}' } }] } }] }),
      '→ lookup({"q":1})',
    );
    assert.equal(responseSummary({ choices: [{ message: { content: 'x'.repeat(500) } }] }).length, 160);
  });

  it('stops when aborted and leaves no staged file behind', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await ResultsTable.open(fixture().sources(), { tempDir, signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    assert.ok(isAbortError(err));
    assert.deepEqual(fs.readdirSync(tempDir), []);
    const table = await open(fixture().sources());
    assert.equal(fs.readdirSync(tempDir).length, 1);
    await table.close();
    assert.deepEqual(fs.readdirSync(tempDir), []);
  });

  describe('on the emulator', function () {
    this.timeout(30_000);
    let h: Harness;
    let client: MistralClient;
    beforeEach(async () => {
      h = await startHarness();
      h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
      client = h.client();
    });
    afterEach(async () => {
      await h.close();
    });

    it('joins a finished job read through the Files API', async () => {
      h.emulator.batch.failRequests({ customId: 'req-2', statusCode: 400, message: 'emulated failure' });
      const lines = chatLines(5).map((line) => JSON.stringify(line));
      const file = await client.files.upload(writeFile(h.workDir, 'requests.jsonl', lines.join('\n') + '\n'), { purpose: 'batch' });
      const created = await client.batch.create({ input_files: [file.id], endpoint: '/v1/chat/completions', model: 'mistral-small-latest' });
      const job = await client.batch.waitFor(created.id);
      const table = await open(jobResultSources(client.files, job));
      assert.deepEqual([...table.query()].map((index) => table.row(index).custom_id), ['req-0', 'req-1', 'req-2', 'req-3', 'req-4']);
      assert.deepEqual([...table.query({ statuses: ['failed'] })], [2]);
      assert.equal(table.row(0).request, 'Question 0');
      assert.notEqual(table.row(0).response, '');
      assert.equal(table.row(2).status_code, 400);
      assert.deepEqual(table.errorGroups().map((group) => group.count), [1]);
      assert.equal((await table.inputLine(2))?.toString('utf8'), lines[2]);
    });
  });
});
