/** The results join on local files: input order, custom_id matching, every result-line shape, bounded staging. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { joinBatchResults, localFileSource, newJoinStats, type JoinedResult, type JoinSources, type LineSource } from '../../src/api/batch/join';
import { isAbortError } from '../../src/api/core/errors';

function memorySource(name: string, text: string, chunkBytes = 7): LineSource {
  // Small chunks put line breaks (and a BOM) across chunk boundaries, as a network stream does.
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

const jsonl = (values: unknown[]): string => values.map((value) => JSON.stringify(value)).join('\n') + '\n';
const ok = (customId: string, content: string): unknown => ({ id: `r-${customId}`, custom_id: customId, response: { status_code: 200, body: { content } }, error: null });

async function collect(sources: JoinSources, tempDir?: string): Promise<{ records: JoinedResult[]; stats: ReturnType<typeof newJoinStats> }> {
  const stats = newJoinStats();
  const records: JoinedResult[] = [];
  for await (const record of joinBatchResults(sources, { stats, tempDir })) records.push(record);
  return { records, stats };
}

describe('batch results join', () => {
  let tempDir: string;
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-join-test-'));
  });
  afterEach(() => {
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('gives one record per input, in input order, whatever order the results come in', async () => {
    const inputs = jsonl(['a', 'b', 'c', 'd'].map((id) => ({ custom_id: id, body: { prompt: id } })));
    const output = jsonl([ok('c', 'C'), ok('a', 'A'), ok('d', 'D')]);
    const errors = jsonl([{ id: 'e1', custom_id: 'b', response: { status_code: 400, body: { message: 'bad' } }, error: { message: 'Invalid body' } }]);
    const { records, stats } = await collect({ inputs: [memorySource('in', `\ufeff${inputs}`)], results: [memorySource('out', output), memorySource('err', errors)] }, tempDir);
    assert.deepEqual(records.map((r) => [r.custom_id, r.status, r.status_code]), [['a', 'succeeded', 200], ['b', 'failed', 400], ['c', 'succeeded', 200], ['d', 'succeeded', 200]]);
    assert.deepEqual(records[0].request, { prompt: 'a' });
    assert.deepEqual(records[2].response, { content: 'C' });
    assert.deepEqual(records[1].error, { message: 'Invalid body' });
    assert.deepEqual(stats, { requests: 4, succeeded: 3, failed: 1, missing: 0, unmatchedResults: 0, unreadableResults: 0 });
    assert.deepEqual(fs.readdirSync(tempDir), [], 'the staged result files are removed');
  });

  it('marks requests without a result as missing and counts results no request claims', async () => {
    const inputs = jsonl([{ custom_id: '1', body: {} }, { custom_id: '2', body: {} }]);
    const output = jsonl([ok('2', 'two'), ok('99', 'stray')]);
    const { records, stats } = await collect({ inputs: [memorySource('in', inputs)], results: [memorySource('out', output)] });
    assert.equal(records[0].status, 'missing');
    assert.equal(records[0].response, null);
    assert.match(records[0].error?.message ?? '', /No result/);
    assert.equal(records[1].status, 'succeeded');
    assert.equal(stats.unmatchedResults, 1);
    assert.equal(stats.missing, 1);
  });

  it('reads every failure shape: a bare string error, a non-2xx line in the output file, no response at all', async () => {
    const inputs = jsonl(['s', 'n', 'x', 'j'].map((id) => ({ custom_id: id, body: {} })));
    const output = jsonl([
      { custom_id: 's', error: '1 validation error for ChatCompletionStreamResponse' },
      { id: 'z', custom_id: 'n', response: { status_code: 503, body: { message: 'overloaded' } }, error: null },
      { custom_id: 'x', response: null, error: null },
    ]) + '{"id":"broken","custom_id":"j","response":{"status_code":200,\n';
    const { records, stats } = await collect({ inputs: [memorySource('in', inputs)], results: [memorySource('out', output)] });
    assert.deepEqual(records.map((r) => r.status), ['failed', 'failed', 'failed', 'failed']);
    assert.equal(records[0].error?.message, '1 validation error for ChatCompletionStreamResponse');
    assert.equal(records[1].error?.message, 'overloaded');
    assert.equal(records[1].status_code, 503);
    assert.match(records[2].error?.message ?? '', /no response/);
    assert.match(records[3].error?.message ?? '', /not valid JSON/);
    assert.equal(stats.failed, 4);
  });

  it('matches a duplicated custom_id to its results in turn: the output line first, then the error line', async () => {
    const inputs = jsonl([{ custom_id: 'dup', body: { n: 1 } }, { custom_id: 'dup', body: { n: 2 } }]);
    const output = jsonl([ok('dup', 'first')]);
    const errors = jsonl([{ custom_id: 'dup', response: { status_code: 400, body: {} }, error: { message: 'Duplicate custom_id' } }]);
    const { records } = await collect({ inputs: [memorySource('in', inputs)], results: [memorySource('out', output), memorySource('err', errors)] });
    assert.deepEqual(records.map((r) => [r.request, r.status]), [[{ n: 1 }, 'succeeded'], [{ n: 2 }, 'failed']]);
  });

  it('keeps unreadable input lines in place, and joins several input files in job order', async () => {
    const first = '{"custom_id":"a","body":{}}\r\nnot json\r\n\r\n';
    const second = jsonl([{ body: { no: 'id' } }, { custom_id: 7, body: {} }]);
    const output = jsonl([ok('a', 'A'), ok('7', 'seven')]) + 'garbage line\n';
    const { records, stats } = await collect({ inputs: [memorySource('first.jsonl', first), memorySource('second.jsonl', second)], results: [memorySource('out', output)] });
    assert.deepEqual(records.map((r) => [r.custom_id, r.status]), [['a', 'succeeded'], [null, 'missing'], [null, 'missing'], ['7', 'succeeded']]);
    assert.match(records[1].error?.message ?? '', /Line 2 of first\.jsonl is not valid JSON/);
    assert.match(records[2].error?.message ?? '', /Line 1 of second\.jsonl has no custom_id/);
    assert.equal(stats.unreadableResults, 1);
  });

  it('lists the results in file order when the job has no input files (an inline job)', async () => {
    const output = jsonl([ok('q', 'Q'), ok('p', 'P')]);
    const { records } = await collect({ inputs: [], results: [memorySource('out', output)] });
    assert.deepEqual(records.map((r) => [r.custom_id, r.request, r.status]), [['q', null, 'succeeded'], ['p', null, 'succeeded']]);
  });

  it('reads long lines that span the read window, from local files', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024);
    const inputPath = path.join(tempDir, 'in.jsonl');
    const outputPath = path.join(tempDir, 'out.jsonl');
    fs.writeFileSync(inputPath, jsonl([{ custom_id: 'small', body: {} }, { custom_id: 'big', body: {} }]));
    fs.writeFileSync(outputPath, jsonl([ok('big', big), ok('small', 's')]));
    const { records } = await collect({ inputs: [localFileSource(inputPath)], results: [localFileSource(outputPath)] });
    assert.equal((records[1].response as { content: string }).content.length, big.length);
    assert.deepEqual(records[0].response, { content: 's' });
  });

  it('stops with a cancellation and leaves no staged files', async () => {
    const controller = new AbortController();
    const inputs = jsonl(Array.from({ length: 5000 }, (_, i) => ({ custom_id: String(i), body: {} })));
    const output = jsonl(Array.from({ length: 5000 }, (_, i) => ok(String(i), 'r')));
    const iterator = joinBatchResults({ inputs: [memorySource('in', inputs, 4096)], results: [memorySource('out', output, 4096)] }, { signal: controller.signal, tempDir });
    let seen = 0;
    let failure: unknown;
    try {
      for await (const record of iterator) {
        assert.ok(record);
        if (++seen === 10) controller.abort();
      }
    } catch (err) {
      failure = err;
    }
    assert.ok(isAbortError(failure), `expected a cancellation, got ${String(failure)}`);
    assert.ok(seen < 5000);
    assert.deepEqual(fs.readdirSync(tempDir), []);
  });
});
