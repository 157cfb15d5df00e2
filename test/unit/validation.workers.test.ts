/**
 * The worker path (chunks split at line boundaries, validated in parallel, merged in order) must
 * give exactly what the main thread gives, whatever the chunk size: line numbers, columns,
 * pretty-printed values that straddle chunks, duplicates across chunks, counts and the summary.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFile } from '../../src/validation/index';
import { resolveWorkerScript } from '../../src/validation/workerPool';
import { seededRandom } from './validationRandom';

function conversation(k: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'Be helpful.' },
      { role: 'user', content: `Question ${k} — ça marche ? 😀` },
      { role: 'assistant', content: `Answer ${k}`.padEnd(40 + (k % 200), '.') },
    ],
  });
}

/** A few MB of instruct data with every kind of line trouble sprinkled in by a seeded PRNG. */
function messyInstructFile(megabytes: number): Buffer {
  const random = seededRandom(1234);
  const parts: Buffer[] = [Buffer.from([0xef, 0xbb, 0xbf])];
  let size = 0;
  for (let k = 0; size < megabytes * 1024 * 1024; k++) {
    const roll = random();
    let line: Buffer;
    if (roll < 0.002) line = Buffer.from(JSON.stringify(JSON.parse(conversation(k)), null, 2));
    else if (roll < 0.004) line = Buffer.from('');
    else if (roll < 0.006) line = Buffer.from(conversation(k).slice(0, 30));
    else if (roll < 0.008) line = Buffer.concat([Buffer.from('{"messages":[{"role":"user","content":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"},{"role":"assistant","content":"x"}]}')]);
    else if (roll < 0.01) line = Buffer.from(conversation(k).replace('"assistant"', '"robot"'));
    else if (roll < 0.012) line = Buffer.from(`${conversation(k)}\r`);
    else if (roll < 0.013) line = Buffer.from('{"text":"a pretrain line in an instruct file"}');
    else line = Buffer.from(conversation(k));
    parts.push(line, Buffer.from('\n'));
    size += line.length + 1;
  }
  return Buffer.concat(parts);
}

function batchFileWithDuplicates(lines: number): string {
  const random = seededRandom(5);
  const out: string[] = [];
  for (let k = 0; k < lines; k++) {
    const id = random() < 0.01 ? `req-${Math.floor(random() * k)}` : `req-${k}`;
    out.push(random() < 0.005 ? JSON.stringify({ body: { messages: [] } }) : JSON.stringify({ custom_id: id, body: { max_tokens: 10, messages: [{ role: 'user', content: `q${k}` }] } }));
  }
  return out.join('\n') + '\n';
}

describe('validation: worker threads vs main thread', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mf-validation-workers-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the compiled worker script next to the validator', () => {
    assert.ok(resolveWorkerScript(), 'worker.js (or validation-worker.js) must sit next to index.js');
  });

  it('a messy multi-MB instruct file: identical results at every chunk size', async () => {
    const path = join(dir, 'messy.jsonl');
    writeFileSync(path, messyInstructFile(6));
    const options = { maxDiagnostics: 1_000_000 };
    const main = await validateFile(path, { ...options, workers: 0 });
    assert.ok(main.summary.lines > 10_000);
    for (const code of ['bom', 'pretty-printed', 'blank-line', 'json-syntax', 'utf8-invalid', 'role-invalid', 'mixed-formats']) {
      assert.ok(main.diagnostics.some((d) => d.code === code), `the fixture exercises ${code}`);
    }
    for (const chunkBytes of [undefined, 64 * 1024, 1500]) {
      const workers = await validateFile(path, { ...options, workers: 2, chunkBytes });
      assert.deepEqual(workers, main, `chunkBytes ${chunkBytes ?? 'default'}`);
    }
  });

  it('values open across many chunks and at the end of the file: same result at every chunk size', async () => {
    const big = JSON.stringify({ messages: Array.from({ length: 60 }, (_, k) => ({ role: k % 2 ? 'assistant' : 'user', content: `turn ${k}` })) }, null, 2);
    const truncatedPretty = big.split('\n').slice(0, -3).join('\n');
    const text = [conversation(1), big, conversation(2), '{"messages": [', '  {"role": "user"', conversation(3), truncatedPretty].join('\n');
    const path = join(dir, 'open-values.jsonl');
    writeFileSync(path, text);
    const main = await validateFile(path, { workers: 0 });
    const bigLines = big.split('\n').length;
    const totalLines = text.split('\n').length;
    // One error per value: the pretty-printed record, the two-line fragment, the pretty-printed record cut short by the end of the file.
    assert.deepEqual(main.diagnostics.map((d) => [d.code, d.line, d.endLine]), [
      ['pretty-printed', 2, 1 + bigLines],
      ['json-syntax', 3 + bigLines, 4 + bigLines],
      ['json-syntax', 6 + bigLines, totalLines],
    ]);
    assert.equal(main.summary.lines, totalLines);
    for (const chunkBytes of [97, 256, 4096]) {
      assert.deepEqual(await validateFile(path, { workers: 2, chunkBytes }), main, `chunkBytes ${chunkBytes}`);
      assert.deepEqual(await validateFile(path, { workers: 0, chunkBytes }), main, `main thread, chunkBytes ${chunkBytes}`);
    }
  });

  it('the default cap keeps the same first problems on both paths', async () => {
    const path = join(dir, 'messy-capped.jsonl');
    writeFileSync(path, messyInstructFile(3));
    const main = await validateFile(path, { workers: 0, maxDiagnostics: 50 });
    const workers = await validateFile(path, { workers: 2, chunkBytes: 8192, maxDiagnostics: 50 });
    assert.deepEqual(workers, main);
    assert.equal(main.diagnostics.length, 50);
  });

  it('a batch file: duplicate custom_ids found across chunks, with the first line named', async () => {
    const path = join(dir, 'batch.jsonl');
    writeFileSync(path, batchFileWithDuplicates(30_000));
    const main = await validateFile(path, { workers: 0, maxDiagnostics: 100_000 });
    const workers = await validateFile(path, { workers: 2, chunkBytes: 32 * 1024, maxDiagnostics: 100_000 });
    assert.deepEqual(workers, main);
    const duplicates = main.diagnostics.filter((d) => d.code === 'custom-id-duplicate');
    assert.ok(duplicates.length > 50);
    assert.ok(main.diagnostics.some((d) => d.code === 'custom-id-missing'));
    for (const d of duplicates) {
      const firstLine = Number(/line (\d+)/.exec(d.message)?.[1]);
      assert.ok(firstLine < d.line);
    }
  });
});
