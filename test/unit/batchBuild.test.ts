/**
 * Batch builder: templates with {{column}}, CSV/TSV/JSONL rows (quoted fields, embedded newlines and commas, BOM),
 * prompts, and `mistral-files batch build` in-process against the emulator, folders uploaded by file id included.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BuildInputError, fillTemplate, placeholders, readRows, requestsFromRows } from '../../src/batchBuild/build';
import { FAST_BATCH_RATE } from '../emulator/batch/testSupport';
import { runCliIn, startHarness, TEST_KEY, writeFile, type CliRun, type Harness } from './clientSupport/fixture';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const TEMPLATE = { max_tokens: 64, messages: [{ role: 'system', content: 'You classify {{kind}} tickets.' }, { role: 'user', content: '{{text}}' }] };

describe('batch builder', () => {
  it('fills placeholders: a whole-string placeholder keeps the value, others insert text; unknown columns are named', () => {
    assert.deepEqual(placeholders(TEMPLATE), ['kind', 'text']);
    assert.deepEqual(fillTemplate({ a: '{{n}}', b: 'n={{ n }}', c: ['{{o}}'], d: 3 }, { n: 5, o: { x: 1 } }), { a: 5, b: 'n=5', c: [{ x: 1 }], d: 3 });
    assert.throws(() => fillTemplate({ a: '{{missing}}' }, { n: 1 }), (err: unknown) => err instanceof BuildInputError && /\{\{missing\}\}.*"n"/.test(err.message));
  });

  describe('rows', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness();
    });
    afterEach(async () => {
      await h.close();
    });

    it('reads CSV with a BOM, quoted commas, quotes and newlines; TSV; JSONL rows', async () => {
      const csv = writeFile(h.workDir, 'rows.csv', '\ufeffid,kind,text\r\nT-1,billing,"Refund, please"\r\nT-2,login,"Line one\nline ""two"""\r\n');
      const rows = await collect(readRows(csv));
      assert.deepEqual(rows, [{ id: 'T-1', kind: 'billing', text: 'Refund, please' }, { id: 'T-2', kind: 'login', text: 'Line one\nline "two"' }]);
      const tsv = writeFile(h.workDir, 'rows.tsv', 'id\tkind\ttext\nT-3\tspam\ta, b\n');
      assert.deepEqual(await collect(readRows(tsv)), [{ id: 'T-3', kind: 'spam', text: 'a, b' }]);
      const jsonl = writeFile(h.workDir, 'rows.jsonl', '{"id": 7, "kind": "x", "text": "hi"}\n\n');
      const built = await collect(requestsFromRows(readRows(jsonl), { template: { n: '{{id}}' }, customIdColumn: 'id' }));
      assert.deepEqual(built, [{ custom_id: '7', body: { n: 7 } }]);
    });

    it('uses the row number as custom_id by default and refuses a custom_id used twice', async () => {
      const csv = writeFile(h.workDir, 'rows.csv', 'id,kind,text\nA,a,x\nA,b,y\n');
      const numbered = await collect(requestsFromRows(readRows(csv), { template: TEMPLATE }));
      assert.deepEqual(numbered.map((line) => line.custom_id), ['1', '2']);
      await assert.rejects(collect(requestsFromRows(readRows(csv), { template: TEMPLATE, customIdColumn: 'id' })), /"A" \(row 2\) is used twice/);
    });
  });

  describe('mistral-files batch build (emulator)', function () {
    this.timeout(60_000);
    let h: Harness;
    const outputs: string[] = [];
    const cli = (args: string[]): Promise<CliRun> => runCliIn(h, args, outputs);
    beforeEach(async () => {
      h = await startHarness();
      h.emulator.batch.configure({ rate: FAST_BATCH_RATE });
    });
    afterEach(async () => {
      await h.close();
    });
    after(() => {
      assert.ok(!outputs.some((text) => text.includes(TEST_KEY)), 'the API key never appears in any output');
    });
    const lines = (file: string): Array<{ custom_id: string; body: Record<string, unknown> }> =>
      fs.readFileSync(path.join(h.workDir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; body: Record<string, unknown> });

    it('turns a CSV and a template into a valid batch file that a job runs', async () => {
      writeFile(h.workDir, 'rows.csv', 'id,kind,text\nT-1,billing,"Refund, please"\nT-2,login,"Two\nlines"\n');
      writeFile(h.workDir, 'body.json', JSON.stringify(TEMPLATE));
      const run = await cli(['batch', 'build', '--from', 'rows.csv', '--template', 'body.json', '--custom-id', 'id', '--out', 'batch.jsonl']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `Wrote 2 requests to ${path.join(h.workDir, 'batch.jsonl')}\n`);
      const built = lines('batch.jsonl');
      assert.deepEqual(built.map((line) => line.custom_id), ['T-1', 'T-2']);
      assert.deepEqual(built[1].body.messages, [{ role: 'system', content: 'You classify login tickets.' }, { role: 'user', content: 'Two\nlines' }]);
      const created = await cli(['batch', 'create', '--input', 'batch.jsonl', '--endpoint', 'chat/completions', '--model', 'mistral-small-latest', '--wait', '--json']);
      assert.equal(created.code, 0, created.stderr);
      assert.equal((JSON.parse(created.stdout) as { succeeded_requests: number }).succeeded_requests, 2);
      // An existing output is replaced only with --force.
      const again = await cli(['batch', 'build', '--from', 'rows.csv', '--template', 'body.json', '--out', 'batch.jsonl']);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already exists; pass --force/);
    });

    it('one chat request per prompt line, the model in the body', async () => {
      writeFile(h.workDir, 'prompts.txt', 'First question?\n\n  Second question?  \n');
      const run = await cli(['batch', 'build', '--from', 'prompts.txt', '--model', 'mistral-small-latest', '--out', 'prompts.jsonl']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(lines('prompts.jsonl'), [
        { custom_id: 'prompt-1', body: { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'First question?' }] } },
        { custom_id: 'prompt-3', body: { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'Second question?' }] } },
      ]);
    });

    it('uploads a folder of documents with purpose ocr and refers to each by file id', async () => {
      const folder = path.join(h.workDir, 'scans');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'b.png'), Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
      fs.writeFileSync(path.join(folder, 'a.pdf'), '%PDF-1.4\n%%EOF\n');
      fs.writeFileSync(path.join(folder, 'notes.txt'), 'not a document');
      const run = await cli(['batch', 'build', '--from', 'scans', '--endpoint', 'ocr', '--out', 'ocr.jsonl']);
      assert.equal(run.code, 0, run.stderr);
      const built = lines('ocr.jsonl');
      assert.deepEqual(built.map((line) => line.custom_id), ['a.pdf', 'b.png']);
      for (const line of built) {
        const document = line.body.document as { type: string; file_id: string };
        assert.equal(document.type, 'file');
        const file = await h.client().files.retrieve(document.file_id);
        assert.equal(file.purpose, 'ocr');
        assert.equal(file.filename, line.custom_id);
      }
      assert.match(run.stderr, /Uploaded 2\/2: b\.png/);
    });

    it('says what is wrong with bad input and writes nothing', async () => {
      writeFile(h.workDir, 'rows.csv', 'id,text\n1,x\n');
      writeFile(h.workDir, 'body.json', '{"messages": [{"role": "user", "content": "{{question}}"}]}');
      const unknown = await cli(['batch', 'build', '--from', 'rows.csv', '--template', 'body.json', '--out', 'x.jsonl']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /\{\{question\}\}.*"id", "text".*nothing was written/);
      writeFile(h.workDir, 'bad.json', '{"messages": [');
      const badTemplate = await cli(['batch', 'build', '--from', 'rows.csv', '--template', 'bad.json', '--out', 'x.jsonl']);
      assert.equal(badTemplate.code, 2);
      assert.match(badTemplate.stderr, /is not JSON/);
      const noEndpoint = await cli(['batch', 'build', '--from', '.', '--out', 'x.jsonl']);
      assert.match(noEndpoint.stderr, /A folder needs --endpoint/);
      assert.ok(!fs.existsSync(path.join(h.workDir, 'x.jsonl')));
      assert.deepEqual(fs.readdirSync(h.workDir).filter((name) => name.includes('.tmp') || name.startsWith('.x.jsonl')), [], 'no temp file left');
    });
  });
});
