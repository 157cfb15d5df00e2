/**
 * The Files tree against the emulator: purpose groups with counts from `total`, paging with Load more, file items,
 * filter and clear, reveal, unknown purposes, and the error states (429 retried, 5xx, 401, network down).
 * Every suite filters by a name tag unique to this run, so files other suites upload never change the counts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import type { MistralFile } from '../../src/api/files/types';
import type { GroupNode } from '../../src/extension/files/tree/treeItems';
import { startEmulator } from '../emulator/server';
import { closedPort, rootRows, rowsOf, rowsUnder, type Row } from './coreSupport';
import {
  EXTENSION_ID, acceptQuickPicksUntilDone, addFault, api, clearFaults, env, eventually, freshFolder, instructLine, remoteFilesNamed, requestsDuring, requestsTo, seedRemoteFile, uniqueTag, writeFile, activateWithKey, withSetting } from './fileCommandsSupport';

describe('Files tree', function () {
  this.timeout(120_000);
  let deps: ExtensionHandles;
  const tag = `tree-${uniqueTag()}`;
  const seeded: Record<string, MistralFile[]> = { 'fine-tune': [], batch: [], ocr: [] };

  before(async () => {
    deps = await activateWithKey();
    for (let i = 0; i < 5; i++) {
      seeded['fine-tune'].push(await seedRemoteFile(`${tag}-train-${i}.jsonl`, `${instructLine(`q${i} ${tag}`, 'a')}\n`, 'fine-tune'));
    }
    seeded.batch.push(await seedRemoteFile(`${tag}-requests.jsonl`, `${JSON.stringify({ custom_id: '1', body: { messages: [] } })}\n`, 'batch'));
    seeded.ocr.push(await seedRemoteFile(`${tag}-scan.pdf`, Buffer.from(`%PDF-1.4\n${tag}\n%%EOF\n`), 'ocr'));
    await vscode.commands.executeCommand('mistral.filter', { search: tag });
  });

  after(async () => {
    await clearFaults();
    await vscode.commands.executeCommand('mistral.clearFilter');
  });

  it('shows Fine-tune, Batch, OCR and Audio with counts from the server total', async () => {
    const groups = await rootRows(deps.tree);
    assert.deepEqual(groups.map((g) => [g.label, g.description, g.icon]), [
      ['Fine-tune', '5 files', 'mortar-board'],
      ['Batch', '1 file', 'layers'],
      ['OCR', '1 file', 'eye'],
      ['Audio', '0 files', 'unmute'],
    ]);
    // The inline "Upload File to This Purpose…" button shows only where the manifest's own when-clause matches.
    const menus = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.menus['view/item/context'] as Array<{ command: string; when: string }>;
    const uploadWhen = menus.find((item) => item.command === 'mistral.uploadToGroup')?.when ?? '';
    const viewItem = /viewItem =~ \/(.+)\/$/.exec(uploadWhen);
    assert.ok(viewItem, `no viewItem regex in "${uploadWhen}"`);
    assert.ok(groups.every((g) => new RegExp(viewItem[1]).test(g.contextValue ?? '')), 'every known purpose offers the upload button');
    // While filtered, a group with no match does not open: its "0 files" says it all. The others open by themselves.
    assert.deepEqual(groups.map((g) => g.collapsible), ['expanded', 'expanded', 'expanded', 'none']);
  });

  it('renders a file with its name, size and age, a type icon, every field in the tooltip, and opens it on click', async () => {
    const file = seeded['fine-tune'][0];
    const row = (await rowsUnder(deps.tree, 'Fine-tune')).find((r) => r.label === `${tag}-train-0.jsonl`);
    assert.ok(row, 'the seeded file has a row');
    assert.equal(row.id, file.id);
    assert.match(row.description ?? '', /^\d+ B · (just now|\d+ (seconds?|minutes?) ago)$/);
    assert.equal(row.icon, 'json');
    assert.equal(row.collapsible, 'none');
    assert.match(row.contextValue ?? '', /^mistralFile\.jsonl$/);
    assert.equal(row.command?.command, 'mistral.openFile');
    assert.deepEqual((row.command?.arguments as Array<{ id: string }>).map((f) => f.id), [file.id], 'a click opens this file');
    const tooltip = row.tooltip ?? '';
    for (const value of [file.id, 'fine\\-tune', 'instruct', 'upload', file.signature ?? '', 'workspace']) {
      assert.ok(tooltip.includes(value), `tooltip mentions ${value}:\n${tooltip}`);
    }
    for (const field of ['ID', 'Size', 'Created', 'Purpose', 'Sample type', 'Source', 'Lines', 'MIME type', 'Signature', 'Visibility', 'Expires']) {
      assert.ok(tooltip.includes(`| ${field} |`), `tooltip row ${field}`);
    }
    const pdf = (await rowsUnder(deps.tree, 'OCR')).find((r) => r.label === `${tag}-scan.pdf`);
    assert.equal(pdf?.icon, 'file-pdf');
  });

  it('pages a group with the page-size setting and a Load more row', async () => {
    const restore = await withSetting('mistral', 'pageSize', 2);
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      const names = (n: number): string[] => [4, 3, 2, 1, 0].slice(0, n).map((i) => `${tag}-train-${i}.jsonl`);
      let rows = await rowsUnder(deps.tree, 'Fine-tune');
      assert.deepEqual(rows.map((r) => r.label), [...names(2), 'Load more…'], 'newest first, then Load more');
      const loadMore = rows[2];
      assert.deepEqual([loadMore.description, loadMore.icon, loadMore.contextValue], ['2 of 5 shown', 'ellipsis', 'mistralLoadMore']);
      assert.ok(loadMore.command, 'Load more runs a command on click');
      await vscode.commands.executeCommand(loadMore.command.command, ...loadMore.command.arguments);
      rows = await rowsUnder(deps.tree, 'Fine-tune');
      assert.deepEqual(rows.map((r) => r.label), [...names(4), 'Load more…']);
      assert.equal(rows[4].description, '4 of 5 shown');
      await vscode.commands.executeCommand('mistral.loadMore', 'fine-tune');
      rows = await rowsUnder(deps.tree, 'Fine-tune');
      assert.deepEqual(rows.map((r) => r.label), names(5), 'every file once, and no Load more');
      assert.deepEqual(rows.map((r) => r.id), [...seeded['fine-tune']].reverse().map((f) => f.id));
      assert.equal((await rootRows(deps.tree))[0].description, '5 files');
    } finally {
      await restore();
    }
  });

  it('shows a failed Load more as an error row whose click loads that page', async () => {
    const restore = await withSetting('mistral', 'pageSize', 2);
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      await addFault({ method: 'GET', path: '^/v1/files$', status: 400, count: 1 });
      await vscode.commands.executeCommand('mistral.loadMore', 'fine-tune');
      let rows = await rowsUnder(deps.tree, 'Fine-tune');
      assert.equal(rows.length, 3, 'the two loaded files, then the error row in place of Load more');
      const error = rows[2];
      assert.match(error.label, /^Could not load more: .*400.* \(click to retry\)$/);
      assert.deepEqual([error.icon, error.iconColor, error.contextValue], ['error', 'list.errorForeground', 'mistralError']);
      assert.ok(error.command, 'the error row runs a command on click');
      const { requests } = await requestsDuring(() => vscode.commands.executeCommand(error.command!.command, ...error.command!.arguments));
      assert.deepEqual(requestsTo(requests, 'GET', /^\/v1\/files$/).filter((r) => /(^|&)purpose=fine-tune(&|$)/.test(r.query)).map((r) => /(^|&)page=(\d+)/.exec(r.query)?.[2]), ['1'],
        'the click asked for the page that failed, and only that');
      rows = await rowsUnder(deps.tree, 'Fine-tune');
      assert.deepEqual(rows.map((r) => r.label), [4, 3, 2, 1].map((i) => `${tag}-train-${i}.jsonl`).concat('Load more…'));
      assert.equal(rows[4].description, '4 of 5 shown');
    } finally {
      await clearFaults();
      await restore();
    }
  });

  it('filters by name, sample type and source on the server, says so in the view message, and clears', async () => {
    await vscode.commands.executeCommand('mistral.filter', { search: `${tag}-train-3` });
    assert.equal(deps.filter.active, true);
    assert.match(deps.tree.treeView.message ?? '', new RegExp(`${tag}-train-3.*Clear Filter`));
    // Groups without a match do not open; the one with a match opens on its only file.
    const outline = (rows: Row[]): unknown[] => rows.map((r) => [r.depth, r.label, r.depth === 0 ? r.description : '…', r.collapsible]);
    assert.deepEqual(outline(await rowsOf(deps.tree)), [
      [0, 'Fine-tune', '1 file', 'expanded'],
      [1, `${tag}-train-3.jsonl`, '…', 'none'],
      [0, 'Batch', '0 files', 'none'],
      [0, 'OCR', '0 files', 'none'],
      [0, 'Audio', '0 files', 'none'],
    ]);

    await vscode.commands.executeCommand('mistral.filter', { search: tag, sampleTypes: ['batch_request'], sources: ['upload'] });
    assert.deepEqual((await rootRows(deps.tree)).map((g) => g.description), ['0 files', '1 file', '0 files', '0 files']);

    await vscode.commands.executeCommand('mistral.clearFilter');
    assert.equal(deps.filter.active, false);
    assert.equal(deps.tree.treeView.message, undefined);
    const unfiltered = await rowsUnder(deps.tree, 'Fine-tune');
    assert.ok(unfiltered.filter((r) => r.label.startsWith(`${tag}-train-`)).length >= 5, 'all files are back');
    await vscode.commands.executeCommand('mistral.filter', { search: tag });
  });

  it('asks for the filter in a picker that starts from the current one, and Enter keeps it', async () => {
    await vscode.commands.executeCommand('mistral.filter', { search: tag, sampleTypes: ['batch_request'] });
    try {
      const asking = vscode.commands.executeCommand('mistral.filter');
      let settled = false;
      void Promise.resolve(asking).finally(() => (settled = true));
      // A command that asks waits for the answer: one that applied something by itself would be done by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(settled, false, 'the filter command did not ask');
      // Accepting unchanged (Enter) must keep the filter as it was.
      await acceptQuickPicksUntilDone(asking);
      assert.deepEqual(deps.filter.value, { search: tag, sampleTypes: ['batch_request'], sources: undefined });
      assert.deepEqual((await rootRows(deps.tree)).map((g) => g.description), ['0 files', '1 file', '0 files', '0 files']);
    } finally {
      await vscode.commands.executeCommand('mistral.filter', { search: tag });
    }
  });

  it('reveals and selects a file, loading its page first', async () => {
    const restore = await withSetting('mistral', 'pageSize', 1);
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      const oldest = seeded['fine-tune'][0];
      await deps.tree.reveal(oldest);
      assert.deepEqual(deps.tree.selectedFiles().map((f) => f.id), [oldest.id]);
      // Copy File ID from the palette acts on that selection; from a multi-selection it copies one id a line.
      assert.equal(await vscode.commands.executeCommand('mistral.copyFileId'), oldest.id);
      assert.equal(await vscode.env.clipboard.readText(), oldest.id);
      const two = seeded['fine-tune'].slice(1, 3);
      assert.equal(await vscode.commands.executeCommand('mistral.copyFileId', two[0], two), `${two[0].id}\n${two[1].id}`);
    } finally {
      await restore();
    }
  });

  it('uploads files dropped on a group with that group\'s purpose', async () => {
    const dir = freshFolder('drop');
    const dropped = writeFile(dir, `${tag}-dropped.jsonl`, `${JSON.stringify({ custom_id: 'a', body: { max_tokens: 4, messages: [{ role: 'user', content: tag }] } })}\n`);
    const batchGroup = ((await deps.tree.getChildren()) as GroupNode[]).find((g) => g.purpose === 'batch');
    const transfer = new vscode.DataTransfer();
    // What the Explorer puts on the drag: a uri-list (and our own items carry mistral-file: URIs, which are ignored).
    transfer.set('text/uri-list', new vscode.DataTransferItem(`${dropped.toString()}\r\nmistral-file:/x/y.jsonl\r\n`));
    await deps.tree.dragAndDrop.handleDrop(batchGroup, transfer, new vscode.CancellationTokenSource().token);
    const remote = await eventually('the dropped file on the service', async () => (await remoteFilesNamed(`${tag}-dropped.jsonl`))[0]);
    assert.equal(remote.purpose, 'batch');
    const row = (await rowsUnder(deps.tree, 'Batch')).find((r) => r.id === remote.id);
    assert.equal(row?.label, `${tag}-dropped.jsonl`, 'the tree shows the dropped file');
  });

  it('retries a 429 transparently: the tree loads and shows no error', async () => {
    await addFault({ method: 'GET', path: '^/v1/files$', status: 429, retryAfterSeconds: 0, count: 2 });
    await vscode.commands.executeCommand('mistral.refresh');
    assert.equal(deps.tree.problem, undefined);
    assert.deepEqual((await rootRows(deps.tree)).map((g) => g.label), ['Fine-tune', 'Batch', 'OCR', 'Audio']);
    const after = await api('/v1/files?page_size=1');
    assert.equal(after.status, 200, 'both scheduled 429s were consumed by the tree load');
  });

  it('shows the unreachable state with the reason when the service keeps failing with 5xx, and recovers on Retry', async () => {
    await addFault({ method: 'GET', path: '^/v1/files$', status: 503, count: 200 });
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      assert.equal(deps.tree.problem, 'unreachable');
      assert.match(deps.tree.problemMessage ?? '', /127\.0\.0\.1/);
      assert.deepEqual(await rowsOf(deps.tree), [], 'no rows, so VS Code shows the welcome');
      // VS Code hides welcome content (its Retry and Show Log buttons) while the view has a message, filter or not.
      assert.ok(deps.filter.active, 'this suite runs with a filter set');
      assert.equal(deps.tree.treeView.message, undefined);
    } finally {
      await clearFaults();
    }
    await vscode.commands.executeCommand('mistral.refresh');
    assert.equal(deps.tree.problem, undefined);
    assert.deepEqual((await rootRows(deps.tree)).map((g) => g.label), ['Fine-tune', 'Batch', 'OCR', 'Audio']);
  });

  it('says the key was rejected on a 401', async () => {
    await addFault({ method: 'GET', path: '^/v1/files$', status: 401, count: 200 });
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      assert.equal(deps.tree.problem, 'keyRejected');
      assert.match(deps.tree.problemMessage ?? '', /rejected/);
      assert.equal(deps.tree.treeView.message, undefined, 'the Set API Key welcome must not be hidden by a message');
    } finally {
      await clearFaults();
    }
    await vscode.commands.executeCommand('mistral.refresh');
    assert.equal(deps.tree.problem, undefined);
  });

  it('shows the unreachable state when nothing listens at the base URL', async () => {
    const port = await closedPort();
    const restore = await withSetting('mistral', 'baseUrl', `http://127.0.0.1:${port}`);
    try {
      await vscode.commands.executeCommand('mistral.refresh');
      assert.equal(deps.tree.problem, 'unreachable');
      assert.match(deps.tree.problemMessage ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.deepEqual(await rowsOf(deps.tree), []);
    } finally {
      await restore();
    }
    await vscode.commands.executeCommand('mistral.refresh');
    assert.equal(deps.tree.problem, undefined);
  });

  it('reloads every group from the view title even when VS Code passes the selected file, and one group from its menu', async () => {
    // VS Code passes the command the elements themselves (the selected file; the group whose menu was used).
    const groups = (await deps.tree.getChildren()) as GroupNode[];
    const fineTuneFile = (await deps.tree.getChildren(groups.find((g) => g.purpose === 'fine-tune')))[0];
    assert.equal(fineTuneFile?.kind, 'file');
    const fileRows = async (label: string): Promise<string[]> => (await rowsUnder(deps.tree, label)).filter((r) => r.icon !== 'info').map((r) => r.label);
    const before = await fileRows('Batch');
    const added = await seedRemoteFile(`${tag}-late-requests.jsonl`, `${JSON.stringify({ custom_id: '1', body: { messages: [] } })}\n`, 'batch');
    // What the view-title Refresh receives when a fine-tune file is selected.
    await vscode.commands.executeCommand('mistral.refresh', fineTuneFile, [fineTuneFile]);
    assert.deepEqual(await fileRows('Batch'), [added.filename, ...before], 'the batch group reloaded too');

    const ocrFile = await seedRemoteFile(`${tag}-late-scan.pdf`, Buffer.from(`%PDF-1.4\n${tag}\n%%EOF\n`), 'ocr');
    const ocrGroup = ((await deps.tree.getChildren()) as GroupNode[]).find((g) => g.purpose === 'ocr');
    assert.ok(ocrGroup);
    assert.equal((await rootRows(deps.tree)).find((r) => r.label === 'OCR')?.contextValue, 'mistralPurpose.upload', 'the group menu (Refresh Group) matches this row');
    await vscode.commands.executeCommand('mistral.refreshGroup', ocrGroup);
    assert.ok((await fileRows('OCR')).includes(ocrFile.filename));
    await vscode.commands.executeCommand('mistral.delete', [added, ocrFile], { confirm: false });
  });

  it('gives a purpose it does not know its own group, named as the service names it', async () => {
    // A private emulator whose store holds a file with a purpose outside the four the list filter accepts.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-unknown-purpose-'));
    const id = '3f2b8c1e-5d4a-4b6e-9c7d-1a2b3c4d5e6f';
    const content = Buffer.from(`${instructLine('hi', 'hello')}\n`);
    fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'blobs', id), content);
    const record = {
      id, object: 'file', bytes: content.length, created_at: Math.floor(Date.now() / 1000), filename: 'distilled.jsonl',
      purpose: 'distillation', sample_type: 'instruct', source: 'upload', num_lines: 1, mimetype: 'application/jsonl',
      signature: 'abc', expires_at: null, visibility: 'workspace', sha256: 'x', seq: 1,
    };
    fs.writeFileSync(path.join(dataDir, 'metadata.json'), JSON.stringify({ version: 1, signingSecret: '00', nextSeq: 2, files: [record] }));
    const emulator = await startEmulator({ dataDir, apiKey: env('MISTRAL_TEST_API_KEY') });
    const restore = await withSetting('mistral', 'baseUrl', emulator.url);
    try {
      await vscode.commands.executeCommand('mistral.clearFilter');
      const groups = await rootRows(deps.tree);
      assert.deepEqual(groups.map((g) => g.label), ['Fine-tune', 'Batch', 'OCR', 'Audio', 'distillation']);
      const group = groups[4];
      assert.deepEqual([group.description, group.icon, group.collapsible], ['1 file', 'folder', 'expanded']);
      assert.equal(group.contextValue, 'mistralPurpose', 'no "upload to this purpose" on a purpose the upload endpoint refuses');
      assert.deepEqual((await rowsUnder(deps.tree, 'distillation')).map((r) => [r.id, r.label]), [[id, 'distilled.jsonl']]);
    } finally {
      await restore();
      await emulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      await vscode.commands.executeCommand('mistral.filter', { search: tag });
    }
  });
});
