/**
 * The pieces of the VS Code test host that decide a run's verdict or shape its inputs, checked without
 * starting VS Code: the report judge, the workbench URL payload, the sandbox's settings and samples.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workbenchUrl } from '../host/launch';
import type { ReportEvent } from '../host/reportProtocol';
import { ReportCollector, startReportServer } from '../host/reportServer';
import { createSandbox, minimalPdf, SAMPLE_FILES, writeUserSettings } from '../host/sandbox';
import { parseRunnerArgs } from '../host/session';

function collect(events: ReportEvent[], abortReason?: string) {
  const printed: string[] = [];
  const collector = new ReportCollector((text) => printed.push(text));
  for (const event of events) collector.accept(event);
  return { outcome: collector.finish(abortReason), output: printed.join('') };
}

const pass = (title: string): ReportEvent => ({ type: 'pass', title, fullTitle: `Suite ${title}`, durationMs: 3, depth: 1 });

describe('test host: run verdict', () => {
  it('passes a run whose every test passed and prints each test and the counts', () => {
    const { outcome, output } = collect([
      { type: 'begin', total: 2 },
      { type: 'suite', title: 'Suite', depth: 1 },
      pass('one'),
      pass('two'),
      { type: 'end', passes: 2, failures: 0, pending: 0, tests: 2 },
    ]);
    assert.equal(outcome.problem, undefined);
    assert.match(output, /✔ one \(3 ms\)/);
    assert.match(output, /2 passing, 0 failing, 0 pending/);
  });

  it('fails a run that found no tests', () => {
    const { outcome } = collect([{ type: 'begin', total: 0 }, { type: 'end', passes: 0, failures: 0, pending: 0, tests: 0 }]);
    assert.match(outcome.problem ?? '', /no tests ran/);
  });

  it('fails a run that never reported its end, and one whose host never called run()', () => {
    assert.match(collect([{ type: 'begin', total: 1 }, pass('one')]).outcome.problem ?? '', /never reported the end/);
    assert.match(collect([], 'the extension host never called run()').outcome.problem ?? '', /never called run/);
  });

  it('fails on a test failure and prints its stack', () => {
    const { outcome, output } = collect([
      { type: 'begin', total: 1 },
      { type: 'fail', title: 'breaks', fullTitle: 'Suite breaks', depth: 1, message: 'boom', stack: 'AssertionError: boom\n    at here' },
      { type: 'end', passes: 0, failures: 1, pending: 0, tests: 1 },
    ]);
    assert.match(outcome.problem ?? '', /1 test\(s\) failed/);
    assert.match(output, /1\) Suite breaks\n\s+AssertionError: boom\n\s+at here/);
  });

  it('fails when passes counted by mocha never reached the terminal', () => {
    const { outcome } = collect([{ type: 'begin', total: 2 }, pass('one'), { type: 'end', passes: 2, failures: 0, pending: 0, tests: 2 }]);
    assert.match(outcome.problem ?? '', /2 passes were counted but 1 reached the terminal/);
  });

  it('fails when the test files could not be loaded', () => {
    const { outcome } = collect([{ type: 'loadError', message: 'SyntaxError', stack: 'SyntaxError: Unexpected token' }]);
    assert.match(outcome.problem ?? '', /could not be loaded/);
  });

  it('accepts events over HTTP on loopback and refuses other requests', async () => {
    const collector = new ReportCollector(() => undefined);
    const server = await startReportServer(collector);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/report$/);
      const posted = await fetch(server.url, { method: 'POST', body: JSON.stringify({ type: 'begin', total: 3 }) });
      assert.equal(posted.status, 204);
      assert.equal(collector.hasBegun, true);
      assert.equal((await fetch(server.url.replace('/report', '/other'), { method: 'POST', body: '{}' })).status, 404);
      assert.equal((await fetch(server.url, { method: 'POST', body: 'not json' })).status, 400);
    } finally {
      await server.close();
    }
  });
});

describe('test host: workbench URL and sandbox', () => {
  it('loads the extension and the tests module through the payload parameter as remote paths', () => {
    const url = new URL(
      workbenchUrl({
        codeServerUrl: 'http://127.0.0.1:4567',
        workspaceDir: '/tmp/ws dir',
        extensionDevelopmentPath: '/repo',
        extensionTestsPath: '/repo/out/test/integration/index',
      }),
    );
    assert.equal(url.searchParams.get('folder'), '/tmp/ws dir');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload') ?? 'null'), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4567/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4567/repo/out/test/integration/index'],
    ]);
    const withoutTests = new URL(workbenchUrl({ codeServerUrl: 'http://127.0.0.1:4567', workspaceDir: '/w', extensionDevelopmentPath: '/repo' }));
    assert.equal(JSON.parse(withoutTests.searchParams.get('payload') ?? '[]').length, 1);
  });

  it('writes quiet user settings pointing the extension at the emulator, and the sample files', () => {
    const sandbox = createSandbox('mistral-files-unit');
    try {
      writeUserSettings(sandbox.userDataDir, 'http://127.0.0.1:9999', { 'mistral.pageSize': 5 });
      const settings = JSON.parse(fs.readFileSync(path.join(sandbox.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(settings['mistral.baseUrl'], 'http://127.0.0.1:9999');
      assert.equal(settings['mistral.pageSize'], 5);
      assert.equal(settings['security.workspace.trust.enabled'], false);
      assert.equal(settings['telemetry.telemetryLevel'], 'off');
      assert.equal(settings['workbench.startupEditor'], 'none');
      const train = fs.readFileSync(path.join(sandbox.workspaceDir, SAMPLE_FILES.fineTune), 'utf8').trim().split('\n');
      for (const line of train) assert.ok(Array.isArray((JSON.parse(line) as { messages: unknown }).messages));
      const broken = fs.readFileSync(path.join(sandbox.workspaceDir, SAMPLE_FILES.invalidFineTune), 'utf8').trim().split('\n');
      assert.throws(() => JSON.parse(broken[1]));
      for (const line of fs.readFileSync(path.join(sandbox.workspaceDir, SAMPLE_FILES.batch), 'utf8').trim().split('\n')) {
        const record = JSON.parse(line) as { custom_id: unknown; body: unknown };
        assert.equal(typeof record.custom_id, 'string');
        assert.equal(typeof record.body, 'object');
      }
    } finally {
      sandbox.remove();
    }
    assert.equal(fs.existsSync(sandbox.root), false);
  });

  it('makes a PDF whose cross-reference table points at each object', () => {
    const pdf = minimalPdf('Invoice (42)').toString('latin1');
    assert.ok(pdf.startsWith('%PDF-1.4\n') && pdf.endsWith('%%EOF\n'));
    const startxref = Number(/startxref\n(\d+)\n/.exec(pdf)?.[1]);
    assert.ok(pdf.startsWith('xref', startxref));
    const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((match) => Number(match[1]));
    assert.equal(offsets.length, 5);
    offsets.forEach((offset, index) => assert.ok(pdf.startsWith(`${index + 1} 0 obj`, offset), `object ${index + 1} not at ${offset}`));
    const lengthMatch = /<< \/Length (\d+) >>\nstream\n([\s\S]*?)\nendstream/.exec(pdf);
    assert.equal(Number(lengthMatch?.[1]), lengthMatch?.[2].length);
  });
});

describe('test runner options', () => {
  it('accepts --grep in its three spellings and --keep, and refuses a --grep without a pattern', () => {
    assert.deepEqual(parseRunnerArgs(['--grep', 'Upload', '--keep'], 'test:ui'), { grep: 'Upload', keepSandbox: true });
    assert.deepEqual(parseRunnerArgs(['-g', 'Delete'], 'test:ui'), { grep: 'Delete', keepSandbox: false });
    assert.deepEqual(parseRunnerArgs(['--grep=Preview'], 'test:ui'), { grep: 'Preview', keepSandbox: false });
    // Running every test when a filter was meant would hide the mistake.
    assert.throws(() => parseRunnerArgs(['--grep'], 'test:ui'), /--grep needs a pattern/);
    assert.throws(() => parseRunnerArgs(['--grep='], 'test:integration'), /--grep needs a pattern/);
    assert.throws(() => parseRunnerArgs(['--fast'], 'test:integration'), /Unknown argument --fast\. Usage: npm run test:integration/);
  });
});
