/**
 * `mistral.batch.viewResults` in the real host: what the Batch Jobs view (and other callers) may pass — a job, its
 * id, a result file's URI, a local file — opens the Batch Results custom editor; a job that does not exist says so
 * and opens nothing. What the viewer shows is the UI suite's job (test/ui/resultsViewer.test.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BatchJob } from '../../src/api/batch/types';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activateWithKey, api, closeAllEditors, eventually, freshFolder, remoteFile, writeFile, type ExtensionHandles } from './fileCommandsSupport';

const VIEW_TYPE = 'mistral.batchResults';

function activeCustomTab(): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === VIEW_TYPE ? input : undefined;
}

describe('Batch Results viewer (mistral.batch.viewResults)', function () {
  this.timeout(60_000);
  let deps: ExtensionHandles;
  let job: BatchJob;
  let rerun: BatchJob;

  /** The same three requests, with `failing` failed by the emulator. */
  async function runJob(failing: string): Promise<BatchJob> {
    const failures = await api('/_emulator/batch/failures', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customId: failing, statusCode: 400, message: 'emulated failure' }) });
    assert.equal(failures.status, 200);
    try {
      const requests = ['view-1', 'view-2', 'view-3'].map((custom_id) => ({ custom_id, body: { max_tokens: 16, messages: [{ role: 'user', content: `Hello ${custom_id}` }] } }));
      const created = await deps.client.batch.create({ requests, endpoint: '/v1/chat/completions', model: 'mistral-small-latest' });
      return await deps.client.batch.waitFor(created.id);
    } finally {
      await api('/_emulator/batch/failures', { method: 'DELETE' });
    }
  }

  before(async () => {
    deps = await activateWithKey();
    job = await runJob('view-2');
    rerun = await runJob('view-3');
    assert.ok(job.output_file && job.error_file, 'the job wrote both result files');
  });

  afterEach(closeAllEditors);

  it('opens a job by id in the custom editor, naming the job in the URI', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.viewResults', job.id);
    assert.ok(uri);
    assert.equal(uri.scheme, 'mistral-file');
    assert.ok(uri.path.startsWith(`/${job.output_file}/`), uri.path);
    assert.equal(uri.query, `job=${job.id}`);
    const tab = await eventually('the Batch Results tab', activeCustomTab);
    assert.equal(tab.uri.toString(), uri.toString());
  });

  it('opens a job object or a Batch Jobs view node the same way', async () => {
    for (const arg of [job, { kind: 'job', job }]) {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.viewResults', arg);
      assert.equal(uri?.query, `job=${job.id}`);
      await eventually('the Batch Results tab', activeCustomTab);
      await closeAllEditors();
    }
  });

  it('opens a local results file (Reopen With… target) through vscode.openWith', async () => {
    const dir = freshFolder('results-viewer');
    const local = writeFile(dir, 'results.jsonl', `${JSON.stringify({ id: 'r1', custom_id: 'a', response: { status_code: 200, body: { choices: [] } }, error: null })}\n`);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.viewResults', local);
    assert.equal(uri?.toString(), local.toString());
    const tab = await eventually('the Batch Results tab', activeCustomTab);
    assert.equal(tab.uri.fsPath, local.fsPath);
  });

  it('compares two jobs in a panel (mistral.batch.compareResults)', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('mistral.batch.compareResults', job.id, rerun);
    assert.ok(panel, 'a comparison panel');
    try {
      assert.equal(panel.viewType, 'mistral.batchCompare');
      assert.ok(panel.title.includes('↔'), panel.title);
      const input = await eventually('the comparison tab', () => {
        const tabInput = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return tabInput instanceof vscode.TabInputWebview ? tabInput : undefined;
      });
      assert.match(input.viewType, /mistral\.batchCompare$/);
    } finally {
      panel.dispose();
    }
  });

  it('opens a result file clicked in the Files view in the viewer, not as text', async () => {
    const outputFile = await remoteFile(job.output_file as string);
    assert.ok(outputFile, 'the output file is listed');
    assert.equal(outputFile.sample_type, 'batch_result');
    // What a click on the row runs.
    await vscode.commands.executeCommand('mistral.openFile', outputFile);
    const tab = await eventually('the Batch Results tab', activeCustomTab);
    assert.ok(tab.uri.path.startsWith(`/${outputFile.id}/`), tab.uri.path);
  });

  it('says so and opens nothing for a job that does not exist', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.viewResults', '00000000-0000-4000-8000-000000000000');
    assert.equal(uri, undefined);
    assert.equal(activeCustomTab(), undefined);
  });

  describe('New Batch File… (mistral.batch.newBatchFile)', () => {
    const readLines = (uri: vscode.Uri): Array<{ custom_id: string; body: Record<string, unknown> }> =>
      fs.readFileSync(uri.fsPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { custom_id: string; body: Record<string, unknown> });

    it('builds a batch file from CSV rows and a template, checks it and opens it', async () => {
      const dir = freshFolder('new-batch');
      const csv = writeFile(dir, 'tickets.csv', 'id,text\nT-1,"Refund, please"\nT-2,"Two\nlines"\n');
      const template = { max_tokens: 32, messages: [{ role: 'user', content: '{{text}}' }] };
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.newBatchFile', csv, { template, customIdColumn: 'id' });
      assert.ok(uri);
      assert.equal(uri.fsPath, path.join(dir, 'tickets-batch.jsonl'));
      assert.deepEqual(readLines(uri).map((line) => [line.custom_id, (line.body.messages as Array<{ content: string }>)[0].content]), [['T-1', 'Refund, please'], ['T-2', 'Two\nlines']]);
      await eventually('the new file in an editor', () => vscode.window.activeTextEditor?.document.uri.fsPath === uri.fsPath);
      assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), [], 'a valid batch file');
      // A second build never replaces the first.
      const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.newBatchFile', csv, { template });
      assert.equal(again?.fsPath, path.join(dir, 'tickets-batch-2.jsonl'));
      assert.deepEqual(readLines(again).map((line) => line.custom_id), ['1', '2']);
    });

    it('uploads a folder of documents for OCR and refers to each by file id', async () => {
      const dir = freshFolder('new-batch-ocr');
      const folder = path.join(dir, 'scans');
      fs.mkdirSync(folder);
      fs.writeFileSync(path.join(folder, 'a.pdf'), '%PDF-1.4\n%%EOF\n');
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.newBatchFile', vscode.Uri.file(folder), { endpoint: '/v1/ocr' });
      assert.ok(uri);
      const [line] = readLines(uri);
      assert.equal(line.custom_id, 'a.pdf');
      const document = line.body.document as { type: string; file_id: string };
      assert.equal(document.type, 'file');
      assert.equal((await remoteFile(document.file_id))?.purpose, 'ocr');
    });

    it('says what is wrong with a template the rows cannot fill, and writes nothing', async () => {
      const dir = freshFolder('new-batch-bad');
      const csv = writeFile(dir, 'rows.csv', 'id,text\n1,x\n');
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mistral.batch.newBatchFile', csv, { template: { messages: [{ role: 'user', content: '{{question}}' }] } });
      assert.equal(uri, undefined);
      assert.deepEqual(fs.readdirSync(dir), ['rows.csv']);
    });
  });
});
