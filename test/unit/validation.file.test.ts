/** File-level checks and limits: encoding, BOM, size, extension, caps, cancellation, progress, hostile input. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FILE_BYTES } from '../../src/api/files/types';
import { ChunkValidator, emptyChunkResult } from '../../src/validation/chunk';
import { validateFile, validateText, type ValidationOptions } from '../../src/validation/index';
import { ResultMerger } from '../../src/validation/merge';
import { seededRandom } from './validationRandom';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'validation');
const OK = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}';
const BAD_ROLE = '{"messages":[{"role":"user","content":"Hi"},{"role":"robot","content":"x"}]}';

describe('validation: file-level checks', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-validation-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('an empty file is an error at 1:1', async () => {
    const result = await validateFile(join(FIXTURES, 'empty.jsonl'));
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.column]), [['file-empty', 1, 1]]);
    assert.equal(result.summary.errors, 1);
    assert.equal(result.summary.lines, 0);
  });

  it('a file of blank lines is empty, and each blank line is reported', async () => {
    const result = await validateFile(write('blank.jsonl', '\n \n'));
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line]), [['file-empty', 1], ['blank-line', 1], ['blank-line', 2]]);
  });

  it('a BOM is an error (validate_data.py rejects it) and does not shift the columns of line 1', async () => {
    const withBom = await validateFile(join(FIXTURES, 'bom.jsonl'));
    const withoutBom = await validateFile(write('nobom.jsonl', readFileSync(join(FIXTURES, 'bom.jsonl')).subarray(3)));
    assert.deepEqual(withBom.diagnostics.map((d) => [d.code, d.line, d.column]), [['bom', 1, 1], ['role-invalid', 1, withoutBom.diagnostics[0].column]]);
    assert.equal(withBom.summary.errors, 2);
    assert.equal(withBom.summary.warnings, 0);
    // In a string the BOM is a character, so columns count it.
    const text = validateText(readFileSync(join(FIXTURES, 'bom.jsonl'), 'utf8'));
    assert.equal(text.diagnostics.find((d) => d.code === 'role-invalid')?.column, withoutBom.diagnostics[0].column + 1);
    // Both count the file's real size: the BOM is 3 bytes in UTF-8, as on disk.
    assert.equal(withBom.summary.bytes, readFileSync(join(FIXTURES, 'bom.jsonl')).length);
    assert.equal(text.summary.bytes, withBom.summary.bytes);
  });

  it('invalid UTF-8 is an error on its line, at the UTF-16 column of the bad byte', async () => {
    const path = write(
      'utf8.jsonl',
      Buffer.concat([Buffer.from('{"text":"ok"}\n{"text":"é'), Buffer.from([0xff]), Buffer.from('z"}\n{"text":"😀'), Buffer.from([0xc3]), Buffer.from('"}\n{"text":"fine"}\n')]),
    );
    const result = await validateFile(path);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.column, d.endColumn]), [
      ['utf8-invalid', 2, '{"text":"é'.length + 1, '{"text":"é'.length + 2],
      ['utf8-invalid', 3, '{"text":"😀'.length + 1, '{"text":"😀'.length + 2],
    ]);
    assert.equal(result.summary.records, 4);
  });

  it('CRLF line ends are accepted and do not move columns', async () => {
    const result = await validateFile(write('crlf.jsonl', `${OK}\r\n${BAD_ROLE}\r\n`));
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.column]), [['role-invalid', 2, BAD_ROLE.indexOf('"robot"') + 1]]);
  });

  it('a fine-tuning file needs the .jsonl extension; a batch file does not', async () => {
    const json = await validateFile(join(FIXTURES, 'instruct.json'));
    assert.deepEqual(json.diagnostics.map((d) => [d.code, d.line, d.column]), [['file-extension', 1, 1]]);
    const batch = await validateFile(write('requests.json', readFileSync(join(FIXTURES, 'valid-batch.jsonl'))));
    assert.deepEqual(batch.diagnostics, []);
    assert.equal(validateText(OK, { fileName: 'notes.txt' }).diagnostics[0]?.code, 'file-extension');
    assert.equal(validateText(OK, { fileName: 'DATA.JSONL' }).diagnostics.length, 0);
  });

  it('a pretty-printed object is one error spanning its lines, and the next record is checked normally', async () => {
    const result = await validateFile(join(FIXTURES, 'pretty-printed.jsonl'));
    const lines = readFileSync(join(FIXTURES, 'pretty-printed.jsonl'), 'utf8').split('\n');
    const lastLine = lines.indexOf('}') + 1;
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.column, d.endLine, d.endColumn]), [['pretty-printed', 1, 1, lastLine, 2]]);
    assert.equal(result.summary.errors, 1);
    assert.equal(result.summary.records, 1);
  });

  it('a file over 512 MB is an error (checked on the size, not the content)', () => {
    const validator = new ChunkValidator({ budget: 10, lineOffset: 0 });
    validator.pushText(`${OK}\n`);
    const result = validator.finish(true);
    const over = new ResultMerger(10, undefined);
    over.add(structuredClone(result), 0);
    const tooLarge = over.finish({ bytes: MAX_FILE_BYTES + 1, bom: false }).diagnostics;
    assert.deepEqual(tooLarge.map((d) => d.code), ['file-too-large']);
    // One byte over must not read as exactly the limit.
    assert.equal(tooLarge[0].message, 'The file is 512.1 MB; Mistral accepts at most 512 MB per file');
    const at = new ResultMerger(10, undefined);
    at.add(structuredClone(result), 0);
    assert.deepEqual(at.finish({ bytes: MAX_FILE_BYTES, bom: false }).diagnostics, []);
  });

  it('more than 1,000,000 batch requests is an error on the request past the limit; duplicates are found across chunks', () => {
    const merger = new ResultMerger(10, 'batch');
    const first = emptyChunkResult();
    const count = 1_000_001;
    first.lines = count;
    first.records = count;
    first.nonBlankLines = count;
    first.kinds.batch.count = count;
    for (let k = 0; k < count; k++) {
      first.batch.ids.push(`id-${k}`);
      first.batch.lines.push(k + 1);
      first.batch.columns.push(15);
      first.batch.endColumns.push(20);
    }
    merger.add(first, 0);
    const second = emptyChunkResult();
    second.lines = 1;
    second.records = 1;
    second.nonBlankLines = 1;
    second.kinds.batch.count = 1;
    second.batch = { ids: ['id-7'], lines: [1], columns: [15], endColumns: [21] };
    merger.add(second, count);
    const result = merger.finish({ bytes: 1, bom: false });
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.column]), [['too-many-requests', 1_000_001, 15], ['custom-id-duplicate', 1_000_002, 15]]);
    assert.match(result.diagnostics[1].message, /line 8\b/);
  });
});

describe('validation: limits', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-validation-limits-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const paths = { main: { workers: 0 }, workers: { workers: 2, chunkBytes: 4096 } } satisfies Record<string, ValidationOptions>;

  for (const [name, base] of Object.entries(paths)) {
    it(`stops storing at maxDiagnostics but keeps counting (${name})`, async () => {
      const path = join(dir, `many-${name}.jsonl`);
      writeFileSync(path, `${BAD_ROLE}\n`.repeat(500));
      const result = await validateFile(path, { ...base, maxDiagnostics: 10 });
      assert.equal(result.diagnostics.length, 10);
      assert.deepEqual(result.diagnostics.map((d) => d.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(result.summary.errors, 500);
      assert.equal(result.summary.truncated, true);
    });

    it(`keeps the first problems by position when cross-line ones compete for the cap (${name})`, async () => {
      const path = join(dir, `dup-first-${name}.jsonl`);
      const request = (id: string): string => `{"custom_id":"${id}","body":{"max_tokens":10,"messages":[{"role":"user","content":"hi"}]}}`;
      // A duplicate custom_id on line 2, then a broken line after line after.
      writeFileSync(path, [request('a'), request('a'), ...Array.from({ length: 6 }, () => '{"custom_id":')].join('\n') + '\n');
      const result = await validateFile(path, { ...base, purpose: 'batch', maxDiagnostics: 5 });
      assert.equal(result.diagnostics[0].code, 'custom-id-duplicate');
      assert.deepEqual(result.diagnostics.map((d) => d.line), [2, 3, 4, 5, 6]);
      assert.equal(result.summary.truncated, true);
    });

    it(`cancels through an AbortSignal with an AbortError (${name})`, async () => {
      const path = join(dir, `abort-${name}.jsonl`);
      writeFileSync(path, `${OK}\n`.repeat(20_000));
      const before = new AbortController();
      before.abort();
      await assert.rejects(validateFile(path, { ...base, signal: before.signal }), { name: 'AbortError' });
      const midway = new AbortController();
      let calls = 0;
      await assert.rejects(
        validateFile(path, {
          ...base,
          chunkBytes: 4096,
          signal: midway.signal,
          onProgress: () => {
            if (++calls === 3) midway.abort();
          },
        }),
        { name: 'AbortError' },
      );
      assert.ok(calls >= 3);
    });

    it(`reports progress that only grows and reaches the total (${name})`, async () => {
      const path = join(dir, `progress-${name}.jsonl`);
      writeFileSync(path, `${OK}\n`.repeat(5000));
      const seen: Array<[number, number]> = [];
      await validateFile(path, { ...base, chunkBytes: 8192, onProgress: (done, total) => seen.push([done, total]) });
      const size = OK.length * 5000 + 5000;
      assert.ok(seen.length > 10, 'several progress reports');
      assert.ok(seen.some(([done]) => done > 0 && done < size), 'progress moves before the end');
      for (let k = 1; k < seen.length; k++) assert.ok(seen[k][0] >= seen[k - 1][0]);
      assert.ok(seen.every(([, total]) => total === size));
      assert.deepEqual(seen[seen.length - 1], [size, size]);
    });
  }

  it('handles a 32 MB single line, valid and with an error near its end', async () => {
    const text = 'x'.repeat(32 * 1024 * 1024);
    const valid = join(dir, 'huge.jsonl');
    writeFileSync(valid, `{"text":"${text}"}\n`);
    const ok = await validateFile(valid);
    assert.deepEqual(ok.diagnostics, []);
    assert.equal(ok.summary.records, 1);
    const broken = join(dir, 'huge-broken.jsonl');
    writeFileSync(broken, `{"text":"${text}",}\n`);
    const bad = await validateFile(broken);
    assert.deepEqual(bad.diagnostics.map((d) => [d.code, d.line, d.column]), [['json-syntax', 1, text.length + 12]]);
  });

  it('survives 10,000-deep nesting, valid or not, and points at the problem', () => {
    const depth = 10_000;
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const inContent = validateText(`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":${nested}}]}`);
    // A list is a list of chunks; its first item is not a chunk.
    assert.deepEqual(inContent.diagnostics.map((d) => d.code), ['content-chunk-invalid']);
    const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const inParameters = validateText(`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"ok"}],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":${deepObject}}}]}`);
    assert.deepEqual(inParameters.diagnostics, []);
    const unclosed = validateText(`${'{"a":'.repeat(100_000)}1`);
    assert.deepEqual(unclosed.diagnostics.map((d) => [d.code, d.line, d.column]), [['json-syntax', 1, 1]]);
    const badDeep = validateText(`${'['.repeat(depth)}x${']'.repeat(depth)}`);
    assert.deepEqual(badDeep.diagnostics.map((d) => [d.code, d.column]), [['json-syntax', depth + 1]]);
  });

  it('many problems on one long line each point at their own value', () => {
    const messages = Array.from({ length: 5000 }, (_, k) => ({ role: k % 2 === 0 ? 'user' : 'robot', content: `m${k}` }));
    const line = JSON.stringify({ messages });
    const result = validateText(line, { maxDiagnostics: 10_000 });
    const expected: number[] = [];
    for (let at = line.indexOf('"robot"'); at >= 0; at = line.indexOf('"robot"', at + 1)) expected.push(at + 1);
    assert.equal(expected.length, 2500);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.column, d.endColumn - d.column]), expected.map((column) => ['role-invalid', column, '"robot"'.length]));
  });

  it('an open value spread over many indented lines is one error, found in linear time', () => {
    const lines = 50_000;
    const text = `{"messages": [\n${'  [\n'.repeat(lines)}{"text":"next record"}\n`;
    const result = validateText(text);
    assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line, d.endLine]), [['json-syntax', 1, lines + 1]]);
    assert.equal(result.summary.errors, 1);
    assert.equal(result.summary.records, 1);
  });

  it('survives binary junk: every line is accounted for, main thread and workers agree', async () => {
    const random = seededRandom(42);
    const bytes = Buffer.alloc(3 * 1024 * 1024);
    for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(random() * 256);
    const path = join(dir, 'junk.bin');
    writeFileSync(path, bytes);
    const newlines = bytes.filter((b) => b === 10).length;
    const main = await validateFile(path, { workers: 0 });
    const workers = await validateFile(path, { workers: 2, chunkBytes: 64 * 1024 });
    assert.deepEqual(workers, main);
    assert.equal(main.summary.lines, newlines + (bytes[bytes.length - 1] === 10 ? 0 : 1));
    assert.ok(main.diagnostics.some((d) => d.code === 'utf8-invalid'));
  });
});
