/**
 * Lines longer than the validator decodes (MAX_LINE_BYTES): reported as line-too-long with the lines around them
 * still checked and numbered, and a file over the upload limit made of one such line reported with bounded memory
 * rather than crashing on a string longer than V8 allows.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_FILE_BYTES } from '../../src/api/files/types';
import { MAX_LINE_BYTES } from '../../src/validation/chunk';
import { validateFile } from '../../src/validation/index';

const ROOT = path.resolve(__dirname, '../../..');
const MB = 1024 * 1024;
const OK = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}';

describe('validation: lines over the limit', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-overlong-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A valid line, `longBytes` of zeros without a newline (sparse, so cheap to make), then a broken line. */
  function sandwich(longBytes: number): string {
    const file = path.join(dir, `sandwich-${longBytes}.jsonl`);
    fs.writeFileSync(file, `${OK}\n`);
    fs.truncateSync(file, OK.length + 1 + longBytes);
    fs.appendFileSync(file, '\n{"messages": [\n');
    return file;
  }

  for (const workers of [0, 2]) {
    it(`reports a line over ${MAX_LINE_BYTES / MB} MB and checks the lines around it (workers: ${workers})`, async () => {
      const result = await validateFile(sandwich(MAX_LINE_BYTES + 5 * MB), { workers, purpose: 'fine-tune' });
      assert.deepEqual(result.diagnostics.map((d) => [d.code, d.line]), [['line-too-long', 2], ['json-syntax', 3]]);
      assert.equal(result.diagnostics[0].message, `This line is ${MAX_LINE_BYTES / MB + 5} MB long; lines over ${MAX_LINE_BYTES / MB} MB are not checked`);
      assert.equal(result.summary.lines, 3);
      assert.equal(result.summary.records, 1);
    });
  }

  it('a line just at the limit is still decoded and checked', async () => {
    const result = await validateFile(sandwich(MAX_LINE_BYTES), { workers: 0, purpose: 'fine-tune' });
    assert.ok(!result.diagnostics.some((d) => d.code === 'line-too-long'), JSON.stringify(result.diagnostics.map((d) => d.code)));
    assert.equal(result.diagnostics.find((d) => d.line === 2)?.code, 'json-syntax');
  });

  it('validate of a 513 MB file without a newline reports file-too-large and line-too-long, with bounded memory', () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
    const file = path.join(dir, 'one-line.jsonl');
    fs.writeFileSync(file, '');
    fs.truncateSync(file, MAX_FILE_BYTES + MB);
    const preload = path.join(dir, 'report-rss.js');
    fs.writeFileSync(preload, "process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\\n`));\n");
    const run = spawnSync(process.execPath, ['-r', preload, path.join(ROOT, 'dist', 'cli.js'), 'validate', '--json', file], { encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { files: Array<{ diagnostics: Array<{ code: string; line: number }>; summary: { lines: number } }> };
    assert.deepEqual(report.files[0].diagnostics.map((d) => [d.code, d.line]).sort(), [['file-too-large', 1], ['line-too-long', 1]]);
    assert.equal(report.files[0].summary.lines, 1);
    const peakMb = Number(/maxRSS=(\d+)/.exec(run.stderr)?.[1]) / 1024;
    // The limit's buffer and the half-size one it grew from, the runtime and the worker threads (measured 275 to
    // 400 MB, depending on when workers start and collections run); holding the whole line took 1.3 GB and crashed.
    assert.ok(peakMb < (5 * MAX_LINE_BYTES) / MB, `peak RSS ${peakMb.toFixed(0)} MB`);
  });
});
