/**
 * Split JSONL (src/convert/split.ts) and the `convert`/`split` CLI commands: shards under a size on line boundaries,
 * a seeded train/validation draw of min(1 MB, 5%) by default, nothing replaced without --force, atomic outputs.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capturedRun, type CapturedRun } from './capturedRun';
import { runConvert, runSplit } from '../../src/cli/dataTools';
import { seededRandom, splitFile, SplitInputError } from '../../src/convert/split';
import { SafeOutput } from '../../src/util/safeOutput';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'convert');

function record(k: number): string {
  return JSON.stringify({ messages: [{ role: 'user', content: `question ${k} ${'?'.repeat(k % 37)}` }, { role: 'assistant', content: `answer ${k}` }] });
}

describe('split JSONL', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mf-split-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const makeFile = (count: number, name = 'data.jsonl'): { path: string; lines: string[] } => {
    const lines = Array.from({ length: count }, (_, k) => record(k));
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return { path, lines };
  };
  const read = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);

  it('shards: each under the size, cut on line boundaries, together the whole file in order', async () => {
    const { path, lines } = makeFile(500);
    const max = 4000;
    const result = await splitFile(path, { maxShardBytes: max });
    assert.ok(result.outputs.length > 3);
    assert.deepEqual(result.outputs.map((o) => o.path), result.outputs.map((_, i) => join(dir, `data.part-${String(i + 1).padStart(3, '0')}.jsonl`)));
    const joined: string[] = [];
    for (const output of result.outputs) {
      const bytes = readFileSync(output.path).length;
      assert.ok(bytes <= max, `${output.path} has ${bytes} bytes`);
      assert.equal(bytes, output.bytes);
      joined.push(...read(output.path));
    }
    assert.deepEqual(joined, lines);
    // Each shard is as full as the next line allows.
    for (let i = 0; i < result.outputs.length - 1; i++) {
      const nextLine = read(result.outputs[i + 1].path)[0];
      assert.ok(result.outputs[i].bytes + Buffer.byteLength(nextLine) + 1 > max);
    }
  });

  it('train/validation by default: validation ≈ min(1 MB, 5%) drawn with a seed, both in source order, nothing lost', async () => {
    const { path, lines } = makeFile(2000);
    const total = lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    const result = await splitFile(path, { validation: { bytes: 1_000_000, fraction: 0.05 } });
    assert.equal(result.seed, 42);
    assert.equal(result.validationTarget, Math.round(total * 0.05));
    const train = read(join(dir, 'data.train.jsonl'));
    const validation = read(join(dir, 'data.validation.jsonl'));
    assert.equal(validation.length, Math.round(2000 * 0.05), 'lines in proportion to the target bytes');
    assert.equal(train.length + validation.length, 2000);
    const index = new Map(lines.map((line, i) => [line, i]));
    const order = (part: string[]): number[] => part.map((line) => index.get(line) ?? -1);
    assert.deepEqual([...order(train), ...order(validation)].sort((a, b) => a - b), lines.map((_, i) => i));
    for (const part of [train, validation]) assert.deepEqual(order(part), [...order(part)].sort((a, b) => a - b));
    // Drawn from the whole file, not its head or tail.
    const drawn = order(validation);
    assert.ok(drawn[0] < 500 && drawn[drawn.length - 1] > 1500);
  });

  it('the same seed draws the same lines; another seed draws others', async () => {
    const { path } = makeFile(1000);
    const draw = async (seed: number, sub: string): Promise<string[]> => {
      await splitFile(path, { validation: { fraction: 0.1 }, seed, outDir: mkdir(sub) });
      return read(join(dir, sub, 'data.validation.jsonl'));
    };
    const mkdir = (sub: string): string => {
      const out = join(dir, sub);
      mkdirSync(out);
      return out;
    };
    const a = await draw(7, 'a');
    assert.deepEqual(await draw(7, 'b'), a);
    assert.notDeepEqual(await draw(8, 'c'), a);
    const random = seededRandom(3);
    const values = Array.from({ length: 1000 }, () => random());
    assert.ok(values.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(values.reduce((s, v) => s + v, 0) / 1000 - 0.5) < 0.05);
  });

  it('a 1 MB cap wins over 5% on a large file', async () => {
    const big = 'x'.repeat(1000);
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, Array.from({ length: 30000 }, (_, k) => JSON.stringify({ text: `${k} ${big}` })).join('\n'));
    const result = await splitFile(path, { validation: { bytes: 1_000_000, fraction: 0.05 } });
    assert.equal(result.validationTarget, 1_000_000);
    const validation = result.outputs.find((o) => o.role === 'validation');
    assert.ok(validation && Math.abs(validation.bytes - 1_000_000) < 20_000, `validation has ${validation?.bytes} bytes`);
  });

  it('train is sharded when the file is over the size; blank lines, a BOM and CRLF are not carried over', async () => {
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(path, `\uFEFF${Array.from({ length: 300 }, (_, k) => record(k)).join('\r\n\r\n')}\r\n`);
    const result = await splitFile(path, { validation: { fraction: 0.1 }, maxShardBytes: 5000 });
    assert.equal(result.blankLines, 299);
    assert.equal(result.lines, 300);
    const roles = result.outputs.map((o) => o.role);
    assert.equal(roles[0], 'validation');
    assert.ok(roles.slice(1).every((r) => r === 'train') && roles.length > 3);
    assert.ok(existsSync(join(dir, 'mixed.train.part-001.jsonl')));
    for (const output of result.outputs) {
      const text = readFileSync(output.path, 'utf8');
      assert.ok(!text.includes('\r') && !text.includes('\n\n') && !text.startsWith('\uFEFF'));
    }
  });

  it('says what to do: a file that already fits, a line larger than a shard, too few records, bad sizes', async () => {
    const { path } = makeFile(10);
    await assert.rejects(splitFile(path, {}), (err: Error) => err instanceof SplitInputError && /already fits/.test(err.message));
    await assert.rejects(splitFile(path, { maxShardBytes: 50 }), (err: Error) => err instanceof SplitInputError && /does not fit in a shard of 50 bytes/.test(err.message));
    await assert.rejects(splitFile(makeFile(1, 'one.jsonl').path, { validation: { fraction: 0.5 } }), /at least 2 records/);
    await assert.rejects(splitFile(path, { validation: { fraction: 1.5 } }), SplitInputError);
    await assert.rejects(splitFile(path, { maxShardBytes: 0 }), SplitInputError);
  });

  it('an output keeps its own copy of each line, so a read buffer is never held until the output flushes', async () => {
    // The validation file of a split flushes rarely: holding views would keep every read buffer, the whole input, alive.
    const readBuffer = Buffer.from('{"a":1}\n{"b":2}\n');
    const file = await SafeOutput.open(join(dir, 'copy.jsonl'), { overwrite: true, during: 'the test', advice: '', copyChunks: true });
    await file.write(readBuffer.subarray(0, 8));
    readBuffer.fill(0x78);
    await file.commit();
    assert.equal(readFileSync(join(dir, 'copy.jsonl'), 'utf8'), '{"a":1}\n');
  });

  it('never replaces an existing output unless forced; a cancelled split leaves nothing behind', async () => {
    const { path } = makeFile(200);
    writeFileSync(join(dir, 'data.validation.jsonl'), 'precious\n');
    await assert.rejects(splitFile(path, { validation: { fraction: 0.1 } }), (err: Error) => err instanceof SplitInputError && /already exists/.test(err.message));
    assert.equal(readFileSync(join(dir, 'data.validation.jsonl'), 'utf8'), 'precious\n');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(splitFile(path, { validation: { fraction: 0.1 }, force: true, signal: controller.signal }), { name: 'AbortError' });
    assert.deepEqual(readdirSync(dir).sort(), ['data.jsonl', 'data.validation.jsonl']);
    await splitFile(path, { validation: { fraction: 0.1 }, force: true });
    assert.notEqual(readFileSync(join(dir, 'data.validation.jsonl'), 'utf8'), 'precious\n');
  });
});

describe('convert and split CLI', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mf-datacli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function cli(run: typeof runConvert, argv: string[]): Promise<CapturedRun> {
    return capturedRun((io) => run(argv, { ...io, cwd: dir, signal: new AbortController().signal }));
  }

  it('convert prints the report and exits 0 when the output validates', async () => {
    const { code, stdout, stderr } = await cli(runConvert, ['--from', 'openai', join(FIXTURES, 'openai-function-calling.jsonl'), '--out', 'out.jsonl']);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.match(stdout, /Converted 3 records of 3 · validation: 0 errors, 0 warnings/);
    assert.match(stdout, /Tool-call ids rewritten to 9 characters .*: 2 records \(lines 1, 3\)/);
    assert.ok(existsSync(join(dir, 'out.jsonl')));
  });

  it('convert --json gives the whole result; nothing convertible exits 1', async () => {
    writeFileSync(join(dir, 'junk.jsonl'), '{"a":1}\n');
    const { code, stdout } = await cli(runConvert, ['junk.jsonl', '--out', 'out.jsonl', '--json']);
    assert.equal(code, 1);
    const result = JSON.parse(stdout) as { outputWritten: boolean; droppedEntries: Array<{ code: string }> };
    assert.equal(result.outputWritten, false);
    assert.deepEqual(result.droppedEntries.map((e) => e.code), ['unrecognized-record']);
    assert.ok(!existsSync(join(dir, 'out.jsonl')));
  });

  it('usage errors exit 2 with what to do', async () => {
    assert.match((await cli(runConvert, ['in.jsonl'])).stderr, /--out FILE/);
    assert.equal((await cli(runConvert, ['--from', 'xml', 'in.jsonl', '--out', 'o'])).code, 2);
    const missing = await cli(runConvert, ['nope.jsonl', '--out', 'o.jsonl']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.jsonl/);
    writeFileSync(join(dir, 'd.jsonl'), `${record(1)}\n${record(2)}\n`);
    const badSize = await cli(runSplit, ['d.jsonl', '--max-size', 'lots']);
    assert.equal(badSize.code, 2);
    assert.match(badSize.stderr, /500MB/);
    assert.equal((await cli(runSplit, ['d.jsonl', '--validation', '150%'])).code, 2);
    assert.equal((await cli(runSplit, ['d.jsonl', '--seed', 'x'])).code, 2);
    assert.match((await cli(runSplit, ['d.jsonl', '--validation', 'none'])).stderr, /already fits/);
  });

  it('split: train/validation by default, shards with --max-size, --force to replace', async () => {
    writeFileSync(join(dir, 'd.jsonl'), `${Array.from({ length: 100 }, (_, k) => record(k)).join('\n')}\n`);
    const first = await cli(runSplit, ['d.jsonl', '--seed', '5', '--validation', '10%']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Validation drawn at random with seed 5/);
    assert.equal(read(join(dir, 'd.validation.jsonl')).length, 10);
    assert.equal((await cli(runSplit, ['d.jsonl', '--seed', '5', '--validation', '10%'])).code, 2);
    assert.equal((await cli(runSplit, ['d.jsonl', '--validation', '2KB', '--force'])).code, 0);
    const shards = await cli(runSplit, ['d.jsonl', '--validation', 'none', '--max-size', '2KB', '--json']);
    assert.equal(shards.code, 0);
    const result = JSON.parse(shards.stdout) as { outputs: Array<{ bytes: number }> };
    assert.ok(result.outputs.length > 1 && result.outputs.every((o) => o.bytes <= 2000));
  });

  const read = (path: string): string[] => readFileSync(path, 'utf8').split('\n').slice(0, -1);
});
