/** `validate` CLI: the tsc/eslint line format, the summary, --json's exact shape, options and exit codes. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runValidate } from '../../src/cli/validate';
import { capturedRun, type CapturedRun } from './capturedRun';
import { WORKER_THRESHOLD_BYTES } from '../../src/validation/index';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'validation');
const fixture = (name: string): string => join(FIXTURES, name);

function run(argv: string[]): Promise<CapturedRun> {
  return capturedRun((io) => runValidate(argv, io));
}

const PROBLEM_LINE = /^(.+):(\d+):(\d+): (error|warning) ([a-z0-9-]+) (.+)$/;

describe('validate CLI', () => {
  it('a valid file: no problem lines, a summary, exit 0', async () => {
    const { code, stdout, stderr } = await run([fixture('valid-instruct.jsonl')]);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.ok(!stdout.split('\n').some((line) => PROBLEM_LINE.test(line)));
    assert.match(stdout, /valid-instruct\.jsonl: instruct · 6 lines · 6 records · 0 errors · 0 warnings/);
    assert.match(stdout, /messages by role: user \d+, assistant \d+/);
    assert.match(stdout, /\n {2}tokens: [\d,]+ \(Mistral's v3 tokenizer/);
  });

  it('problems print as FILE:LINE:COL: severity CODE message, exit 1 on an error', async () => {
    const path = fixture(join('rules', 'role-invalid.jsonl'));
    const { code, stdout } = await run([path]);
    assert.equal(code, 1);
    const column = readFileSync(path, 'utf8').indexOf('"robot"') + 1;
    const problems = stdout.split('\n').filter((line) => PROBLEM_LINE.test(line));
    assert.deepEqual(problems, [`${path}:1:${column}: error role-invalid "robot" is not a role: use "system", "user", "assistant" or "tool"`]);
  });

  it('--help and -h print the usage on stdout and exit 0, as for every other command', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await run([flag]);
      assert.equal(code, 0);
      assert.equal(stderr, '');
      assert.match(stdout, /^Usage: mistral-files validate /);
    }
  });

  it('warnings alone exit 0', async () => {
    const { code, stdout } = await run([fixture(join('rules', 'custom-id-duplicate.jsonl'))]);
    assert.equal(code, 0);
    assert.match(stdout, /:3:\d+: warning custom-id-duplicate /);
  });

  it('--json prints exactly files[{path, format, summary, diagnostics[{line, column, endLine, endColumn, severity, code, message}]}]', async () => {
    const paths = [fixture(join('rules', 'last-message-not-assistant.jsonl')), fixture('valid-batch.jsonl')];
    const { code, stdout } = await run(['--json', ...paths]);
    assert.equal(code, 1);
    const parsed = JSON.parse(stdout) as { files: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(parsed), ['files']);
    assert.equal(parsed.files.length, 2);
    for (const file of parsed.files) assert.deepEqual(Object.keys(file), ['path', 'format', 'summary', 'diagnostics']);
    assert.deepEqual(parsed.files.map((f) => [f.path, f.format]), [
      [paths[0], 'instruct'],
      [paths[1], 'batch'],
    ]);
    const [diagnostic] = parsed.files[0].diagnostics as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(diagnostic), ['line', 'column', 'endLine', 'endColumn', 'severity', 'code', 'message']);
    assert.equal(diagnostic.code, 'last-message-not-assistant');
    assert.deepEqual(parsed.files[1].diagnostics, []);
    assert.equal((parsed.files[0].summary as { errors: number }).errors, 1);
  });

  it('--purpose batch checks an instruct file as batch requests', async () => {
    const { code, stdout } = await run(['--purpose', 'batch', fixture('valid-instruct.jsonl')]);
    assert.equal(code, 1);
    assert.match(stdout, /:1:1: error body-missing /);
    const fineTune = await run(['--purpose=fine-tune', fixture('valid-instruct.jsonl')]);
    assert.equal(fineTune.code, 0);
  });

  it('--max-problems caps the listing and says so; the counts stay exact', async () => {
    const { code, stdout } = await run(['--max-problems', '1', fixture(join('rules', 'content-chunk-invalid.jsonl'))]);
    assert.equal(code, 1);
    assert.equal(stdout.split('\n').filter((line) => PROBLEM_LINE.test(line)).length, 1);
    assert.match(stdout, /· 4 errors ·/);
    assert.match(stdout, /listed 1 of 4 problems/);
  });

  it('usage errors exit 2 with the usage on stderr', async () => {
    for (const argv of [[], ['--purpose', 'ocr', 'x.jsonl'], ['--max-problems', 'many', 'x.jsonl'], ['--frobnicate', 'x.jsonl']]) {
      const { code, stdout, stderr } = await run(argv);
      assert.equal(code, 2, argv.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /Usage: mistral-files validate/);
    }
  });

  it('a file that cannot be read exits 2 and names it; the other files are still checked', async () => {
    const missing = join(FIXTURES, 'does-not-exist.jsonl');
    const { code, stdout, stderr } = await run([missing, fixture('valid-pretrain.jsonl')]);
    assert.equal(code, 2);
    assert.equal(stderr, `${missing}: cannot validate: no such file\n`);
    assert.match(stdout, /valid-pretrain\.jsonl: pretrain/);
  });

  it('runs through the bundled CLI (node dist/cli.js validate) with the bundled worker', function () {
    const cli = join(ROOT, 'dist', 'cli.js');
    if (!existsSync(cli) || !existsSync(join(ROOT, 'dist', 'validation-worker.js'))) this.skip();
    const ok = spawnSync(process.execPath, [cli, 'validate', fixture('valid-instruct.jsonl')], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const bad = spawnSync(process.execPath, [cli, 'validate', '--json', fixture(join('rules', 'role-invalid.jsonl'))], { encoding: 'utf8' });
    assert.equal(bad.status, 1, bad.stderr);
    assert.equal((JSON.parse(bad.stdout) as { files: Array<{ diagnostics: Array<{ code: string }> }> }).files[0].diagnostics[0].code, 'role-invalid');
    // Above the worker threshold the bundle must find dist/validation-worker.js and agree with the in-process validator.
    const dir = mkdtempSync(join(tmpdir(), 'mf-validation-cli-'));
    try {
      const big = join(dir, 'big.jsonl');
      const good = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello there"}]}\n';
      const wrong = '{"messages":[{"role":"user","content":"Hi"},{"role":"robot","content":"Hello there"}]}\n';
      const lines = Math.ceil((WORKER_THRESHOLD_BYTES + 1) / good.length);
      writeFileSync(big, good.repeat(lines - 1) + wrong);
      const result = spawnSync(process.execPath, [cli, 'validate', '--json', big], { encoding: 'utf8' });
      assert.equal(result.status, 1, result.stderr);
      const [file] = (JSON.parse(result.stdout) as { files: Array<{ summary: { lines: number }; diagnostics: Array<{ code: string; line: number }> }> }).files;
      assert.equal(file.summary.lines, lines);
      assert.deepEqual(file.diagnostics.map((d) => [d.code, d.line]), [['role-invalid', lines]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
