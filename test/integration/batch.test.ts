/** The Batch Jobs view and its commands in the real host, against the emulator: create → watch → results, cancel, delete. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BatchJob } from '../../src/api/batch/types';
import type { BatchDeleteOutcome } from '../../src/extension/batch/commands/delete';
import type { BatchJobsView } from '../../src/extension/batch/view/batchJobsView';
import type { JobNode } from '../../src/extension/batch/view/batchTreeItems';
import type { MistralFilesExtensionApi } from '../../src/extension/extension';
import { rowsOf } from './coreSupport';
import {
  EXTENSION_ID,
  type ExtensionHandles,
  activateWithKey,
  api,
  batchLine,
  closeAllEditors,
  eventually,
  freshFolder,
  requestsDuring,
  requestsTo,
  seedRemoteFile,
  uniqueTag,
  withoutAsking,
  writeFile,
} from './fileCommandsSupport';

const CHAT = '/v1/chat/completions';

function batchView(): BatchJobsView {
  const view = vscode.extensions.getExtension<MistralFilesExtensionApi>(EXTENSION_ID)?.exports.batchView;
  assert.ok(view, 'activate() returns the Batch Jobs view');
  return view;
}

/** The view's row for a job, once its status is one of `statuses`. */
async function rowWithStatus(view: BatchJobsView, jobId: string, statuses: string[], timeoutMs = 60_000): Promise<JobNode> {
  return eventually(
    `job ${jobId} ${statuses.join('/')} in the view`,
    async () => {
      const nodes = await view.getChildren();
      const node = nodes.find((candidate): candidate is JobNode => candidate.kind === 'job' && candidate.job.id === jobId);
      return node !== undefined && statuses.includes(node.job.status) ? node : undefined;
    },
    timeoutMs,
  );
}

async function seedBatchFile(lines: number): Promise<string> {
  const content = Array.from({ length: lines }, (_, i) => batchLine(`req-${i}`, `Question ${i} ${uniqueTag()}`)).join('\n') + '\n';
  return (await seedRemoteFile(`batch-${uniqueTag()}.jsonl`, content, 'batch')).id;
}

async function setBatchRate(rate: number): Promise<void> {
  const response = await api('/_emulator/batch/settings', { method: 'POST', body: JSON.stringify({ rate }) });
  assert.equal(response.status, 200, await response.text());
}

describe('Batch Jobs view and commands', function () {
  this.timeout(120_000);
  let view: BatchJobsView;
  let deps: ExtensionHandles;
  let previousRate = 20;

  before(async () => {
    deps = await activateWithKey();
    previousRate = ((await (await api('/_emulator/batch/settings')).json()) as { rate: number }).rate;
    view = batchView();
    // The view loads and polls only while it is visible.
    await vscode.commands.executeCommand('mistral.batchJobs.focus');
    await vscode.commands.executeCommand('mistral.batch.refresh');
  });
  after(async () => {
    await setBatchRate(previousRate);
    await closeAllEditors();
  });

  it('creates a job from a seeded batch file, shows it SUCCESS in place and opens its results', async () => {
    await setBatchRate(1_000);
    const fileId = await seedBatchFile(3);
    const job = await vscode.commands.executeCommand<BatchJob | undefined>('mistral.batch.create', {
      inputFiles: [fileId],
      model: 'mistral-small-latest',
      endpoint: CHAT,
      metadata: { suite: 'integration' },
    });
    assert.ok(job, 'mistral.batch.create resolves with the job');
    assert.deepEqual(job.input_files, [fileId]);
    assert.deepEqual(job.metadata, { suite: 'integration' });
    assert.ok(view.watcher.watchedIds.includes(job.id) || view.job(job.id)?.status === 'SUCCESS', 'the job the user started is watched');

    const node = await rowWithStatus(view, job.id, ['SUCCESS']);
    const item = view.getTreeItem(node);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.equal(item.label, 'mistral-small-latest');
    assert.match(String(item.description), /^\/v1\/chat\/completions · 3\/3 · /);
    assert.match(item.contextValue ?? '', /^mistralBatchJob\.done\.input\.results/);
    assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(job.id));
    await eventually('the watch to end', () => !view.watcher.watchedIds.includes(job.id));

    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('mistral.batch.openResults', node);
    assert.equal(uris.length, 1);
    assert.equal(uris[0].scheme, 'mistral-file');
    const document = await vscode.workspace.openTextDocument(uris[0]);
    for (let i = 0; i < 3; i++) assert.ok(document.getText().includes(`"req-${i}"`), `results hold req-${i}`);
    assert.equal(await vscode.commands.executeCommand('mistral.batch.copyJobId', node), job.id);
    assert.equal(await vscode.commands.executeCommand('mistral.batch.revealInput', node), fileId);
    await eventually('the input file selected in the Files view', () => deps.files.selectedFiles().some((file) => file.id === fileId));
  });

  it('creates a job from a local .jsonl: uploaded with purpose batch first, the endpoint inferred from the bodies', async () => {
    await setBatchRate(1_000);
    const dir = freshFolder('batch-create');
    const uri = writeFile(dir, `local-${uniqueTag()}.jsonl`, [batchLine('x-1', 'One'), batchLine('x-2', 'Two')].join('\n') + '\n');
    const job = await vscode.commands.executeCommand<BatchJob | undefined>('mistral.batch.create', uri, { model: 'mistral-small-latest' });
    assert.ok(job, 'a job was created');
    assert.equal(job.endpoint, CHAT);
    const input = (await (await api(`/v1/files/${job.input_files[0]}`)).json()) as { purpose: string; filename: string };
    assert.equal(input.purpose, 'batch');
    await rowWithStatus(view, job.id, ['SUCCESS']);
  });

  it('cancels a running job: the row shows the request at once and follows to CANCELLED', async () => {
    // Slow enough that the job is still running when Cancel arrives.
    await setBatchRate(1);
    const fileId = await seedBatchFile(50);
    const job = await vscode.commands.executeCommand<BatchJob | undefined>('mistral.batch.create', { inputFiles: [fileId], model: 'mistral-small-latest', endpoint: CHAT });
    assert.ok(job);
    const running = await rowWithStatus(view, job.id, ['QUEUED', 'RUNNING']);
    assert.equal((view.getTreeItem(running).iconPath as vscode.ThemeIcon).id, 'sync~spin');
    assert.match(view.getTreeItem(running).contextValue ?? '', /^mistralBatchJob\.active/);

    const cancelled = await vscode.commands.executeCommand<BatchJob[]>('mistral.batch.cancel', running);
    assert.equal(cancelled.length, 1);
    assert.ok(['CANCELLATION_REQUESTED', 'CANCELLED'].includes(cancelled[0].status), cancelled[0].status);
    await setBatchRate(1_000);
    const node = await rowWithStatus(view, job.id, ['CANCELLED']);
    assert.equal((view.getTreeItem(node).iconPath as vscode.ThemeIcon).id, 'circle-slash');
  });

  it('filters the view by status through the service and clears the filter', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('mistral.batch.filter', { statuses: ['CANCELLED'] }), ['CANCELLED']);
    // Read as drawn: a job's status is its row's icon.
    const jobIcons = async (): Promise<Array<string | undefined>> => (await rowsOf(view)).filter((row) => row.contextValue?.startsWith('mistralBatchJob')).map((row) => row.icon);
    const filtered = await jobIcons();
    assert.ok(filtered.length > 0, 'the cancelled job of the previous test is listed');
    assert.ok(filtered.every((icon) => icon === 'circle-slash'), filtered.join(', '));
    assert.match(String(view.treeView.description), /CANCELLED/);
    assert.deepEqual(await vscode.commands.executeCommand('mistral.batch.clearFilter'), []);
    assert.equal(view.treeView.description, undefined);
    assert.ok((await jobIcons()).includes('pass'), 'a finished job is listed again');
  });

  it('deletes a finished job without asking when told so, and the row goes', async () => {
    await setBatchRate(1_000);
    const fileId = await seedBatchFile(1);
    const job = await vscode.commands.executeCommand<BatchJob | undefined>('mistral.batch.create', { inputFiles: [fileId], model: 'mistral-small-latest', endpoint: CHAT });
    assert.ok(job);
    const node = await rowWithStatus(view, job.id, ['SUCCESS']);
    const { result: outcome, requests } = await requestsDuring(() =>
      withoutAsking(vscode.commands.executeCommand<BatchDeleteOutcome>('mistral.batch.delete', node, [node], { confirm: false })));
    assert.deepEqual(outcome, { deleted: [job.id], failed: [] });
    assert.deepEqual(requestsTo(requests, 'DELETE', /^\/v1\/batch\/jobs\/[^/]+$/).map((r) => [r.path, r.status]), [[`/v1/batch/jobs/${job.id}`, 200]]);
    assert.equal(view.job(job.id), undefined);
    assert.equal((await api(`/v1/batch/jobs/${job.id}`)).status, 404);
  });
});
