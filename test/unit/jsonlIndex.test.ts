/** The line index behind the Conversations view: records by position, their line numbers, blank and broken lines. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { JsonlIndex } from '../../src/util/jsonlIndex';
import { PREVIEW_CHARS, summarizeRecord } from '../../src/util/recordSummary';
import { isAbortError } from '../../src/api/core/errors';

const source = (text: string, chunkBytes = 5) => ({
  name: 'mem.jsonl',
  open: async () => {
    const bytes = Buffer.from(text, 'utf8');
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunkBytes) chunks.push(bytes.subarray(i, i + chunkBytes));
    return Readable.from(chunks);
  },
});

describe('JSONL line index (Conversations view)', () => {
  let tempDir: string;
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-index-test-'));
  });
  afterEach(() => {
    fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('skips blank lines, keeps line numbers, parses a record when asked and reports a broken one', async () => {
    const text = '\ufeff{"messages":[{"role":"user","content":"héllo"}]}\n\n  \n{"broken": \r\n{"n":3}';
    const index = await JsonlIndex.open(source(text), { tempDir });
    try {
      assert.equal(index.count, 3);
      assert.deepEqual(await index.record(0), { line: 1, value: { messages: [{ role: 'user', content: 'héllo' }] }, bytes: Buffer.byteLength('{"messages":[{"role":"user","content":"héllo"}]}') });
      const broken = await index.record(1);
      assert.equal(broken.line, 4);
      assert.equal(broken.value, undefined);
      assert.ok(broken.error);
      assert.deepEqual((await index.record(2)).value, { n: 3 });
      assert.equal(index.positionOfLine(2), 1, 'a blank line goes to the next record');
      assert.equal(index.positionOfLine(5), 2);
      assert.equal(index.positionOfLine(99), 2);
    } finally {
      await index.close();
    }
    assert.deepEqual(fs.readdirSync(tempDir), [], 'the staged copy is removed');
  });

  it('stops when aborted and leaves nothing behind', async () => {
    const controller = new AbortController();
    controller.abort();
    const lines = Array.from({ length: 3000 }, (_, i) => `{"i":${i}}`).join('\n');
    const err = await JsonlIndex.open(source(lines, 4096), { tempDir, signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    assert.ok(isAbortError(err));
    assert.deepEqual(fs.readdirSync(tempDir), []);
  });
});

describe('Record summaries (Conversations view list)', () => {
  it('reads the first user message on one line and counts the turns, for fine-tuning and batch records', () => {
    assert.deepEqual(summarizeRecord({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '  Two\n\tlines  ' }, { role: 'assistant', content: 'Ok' }] }), { preview: 'Two lines', turns: 3 });
    assert.deepEqual(summarizeRecord({ custom_id: 'a', body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: 'data:' }, { type: 'text', text: 'here' }] }] } }), { preview: 'Look here', turns: 1 });
    assert.equal(summarizeRecord({ messages: [{ role: 'user', content: 'x'.repeat(10_000) }] }).preview.length, PREVIEW_CHARS);
  });

  it('gives an empty summary for what is not a chat', () => {
    for (const value of [undefined, null, 3, 'text', { prompt: 'hi' }, { messages: 'no' }]) assert.deepEqual(summarizeRecord(value), { preview: '', turns: 0 });
    assert.deepEqual(summarizeRecord({ messages: [{ role: 'assistant', content: 'Alone' }] }), { preview: '', turns: 1 });
  });
});
