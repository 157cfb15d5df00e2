/** Two jobs side by side by custom_id: pairing, rows only one job has, duplicates, filters and counts. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ResultsComparison } from '../../src/api/batch/compareResults';
import type { LineSource } from '../../src/api/batch/join';
import { ResultsTable } from '../../src/api/batch/resultsTable';

const source = (name: string, values: unknown[]): LineSource => ({
  name,
  open: async () => Readable.from([Buffer.from(values.map((value) => JSON.stringify(value)).join('\n') + '\n')]),
});
const input = (id: string): unknown => ({ custom_id: id, body: { messages: [{ role: 'user', content: `Question ${id}` }] } });
const ok = (id: string, answer: string): unknown => ({ id: `x-${id}`, custom_id: id, response: { status_code: 200, body: { choices: [{ message: { role: 'assistant', content: answer } }] } }, error: null });
const failed = (id: string): unknown => ({ id: `e-${id}`, custom_id: id, response: { status_code: 400, body: { message: 'Invalid model' } }, error: { message: 'Invalid model' } });

describe('batch results comparison', () => {
  let tempDir: string;
  let tables: ResultsTable[];
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-compare-test-'));
    tables = [];
  });
  afterEach(async () => {
    await Promise.all(tables.map((table) => table.close()));
    fs.rmSync(tempDir, { recursive: true, force: true });
  });
  const open = async (ids: string[], results: unknown[]): Promise<ResultsTable> => {
    const table = await ResultsTable.open({ inputs: [source('in', ids.map(input))], results: [source('out', results)] }, { tempDir });
    tables.push(table);
    return table;
  };

  it('pairs the requests of two jobs by custom_id, first job order, then what only the second has', async () => {
    const a = await open(['r1', 'r2', 'r3', 'r4'], [ok('r1', 'same'), ok('r2', 'A says'), ok('r3', 'fine'), ok('r4', 'x')]);
    const b = await open(['r2', 'r3', 'r1', 'r5'], [ok('r1', 'same'), ok('r2', 'B says'), failed('r3'), ok('r5', 'new')]);
    const comparison = new ResultsComparison(a, b);
    const rows = [...comparison.query()].map((index) => comparison.row(index));
    assert.deepEqual(rows.map((row) => [row.custom_id, row.a.status, row.b.status, row.same]), [
      ['r1', 'succeeded', 'succeeded', true],
      ['r2', 'succeeded', 'succeeded', false],
      ['r3', 'succeeded', 'failed', false],
      ['r4', 'succeeded', 'absent', false],
      ['r5', 'absent', 'succeeded', false],
    ]);
    assert.equal(rows[1].a.response, 'A says');
    assert.equal(rows[1].b.response, 'B says');
    assert.equal(rows[4].request, 'Question r5');
    assert.deepEqual(comparison.stats, { rows: 5, same: 1, different: 4, statusChanged: 3, onlyA: 1, onlyB: 1 });
    assert.deepEqual(comparison.sides(2), [2, 1]);
    assert.deepEqual(comparison.sides(4), [-1, 3]);
    const ids = (show: 'all' | 'different' | 'statusChanged', text?: string): (string | null)[] => [...comparison.query({ show, text })].map((index) => comparison.row(index).custom_id);
    assert.deepEqual(ids('different'), ['r2', 'r3', 'r4', 'r5']);
    assert.deepEqual(ids('statusChanged'), ['r3', 'r4', 'r5']);
    assert.deepEqual(ids('all', 'invalid model'), ['r3']);
  });

  it('pairs repeated custom_ids in order of appearance', async () => {
    const a = await open(['d', 'd'], [ok('d', 'first'), ok('d', 'second')]);
    const b = await open(['d', 'd'], [ok('d', 'first'), ok('d', 'other')]);
    const comparison = new ResultsComparison(a, b);
    assert.deepEqual([0, 1].map((index) => comparison.row(index).same), [true, false]);
    assert.equal(comparison.rowCount, 2);
  });
});
