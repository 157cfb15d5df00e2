/**
 * Upload Folder…, upload expiry and the duplicate warning, and the Files view's rough edges in the real VS Code host:
 * .gitignore and file types honoured, one run and one outcome, expiry sent and shown in the tree, same-name-and-size
 * files skipped, PDFs not opened as text, batch outputs labelled by role, empty groups closed while filtered, the
 * one-step filter picker, keybindings in the view.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MistralFile } from '../../src/api/files/types';
import type { UploadFolderOutcome } from '../../src/extension/files/commands/uploadFolder';
import type { UploadOutcome } from '../../src/extension/files/commands/upload';
import { fileTreeItem, groupTreeItem } from '../../src/extension/files/tree/treeItems';
import { labelOf, rootRows, rowsUnder } from './coreSupport';
import {
  acceptQuickPicksUntilDone, activateWithKey, batchLine, closeAllEditors, eventually, freshFolder, instructLine, remoteFile, remoteFilesNamed, seedRemoteFile, uniqueTag, writeFile, type ExtensionHandles,
} from './fileCommandsSupport';

describe('Upload Folder, expiry, duplicates and the view’s rough edges', function () {
  this.timeout(90_000);
  let deps: ExtensionHandles;

  before(async () => {
    deps = await activateWithKey();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('mistral.clearFilter');
    await closeAllEditors();
  });

  it('uploads a folder’s files of the chosen types, honouring .gitignore, each with its own purpose, in one run', async () => {
    const tag = uniqueTag();
    const dir = freshFolder(`folder-${tag}`);
    writeFile(dir, '.gitignore', 'ignored/\n*.bak\n');
    writeFile(dir, `train-${tag}.jsonl`, `${instructLine(`q ${tag}`, 'a')}\n`);
    fs.mkdirSync(path.join(dir, 'requests'));
    writeFile(path.join(dir, 'requests'), `req-${tag}.jsonl`, `${batchLine('r1', tag)}\n`);
    writeFile(dir, `old-${tag}.bak`, 'x');
    fs.mkdirSync(path.join(dir, 'ignored'));
    writeFile(path.join(dir, 'ignored'), `secret-${tag}.jsonl`, `${instructLine('s', 'a')}\n`);
    writeFile(dir, `notes-${tag}.txt`, 'not wanted');

    const outcome = await vscode.commands.executeCommand<UploadFolderOutcome>('mistral.uploadFolder', vscode.Uri.file(dir), {
      extensions: ['jsonl'],
      purpose: 'auto',
      expiryHours: 48,
    });
    assert.deepEqual(outcome.failed, []);
    assert.deepEqual(outcome.uploaded.map((f) => f.filename).sort(), [`req-${tag}.jsonl`, `train-${tag}.jsonl`]);
    assert.equal(outcome.ignored, 3, '.gitignore, old-*.bak and ignored/');
    const byName = new Map(outcome.uploaded.map((f) => [f.filename, f]));
    assert.equal(byName.get(`req-${tag}.jsonl`)?.purpose, 'batch');
    assert.equal(byName.get(`train-${tag}.jsonl`)?.purpose, 'fine-tune');
    const remote = await remoteFile(byName.get(`train-${tag}.jsonl`)!.id);
    assert.ok(remote?.expires_at, 'the expiry reached the service');
    assert.equal(remote.expires_at - remote.created_at, 48 * 3600);
    const row = await eventually('the uploaded file in the tree', async () => (await rowsUnder(deps.tree, 'Fine-tune')).find((r) => r.id === remote.id));
    assert.match(row.description ?? '', /expires in 2 days$/);
  });

  it('uploads a folder dropped on a purpose group, asking only for the file types (the pre-ticked ones accepted)', async () => {
    const tag = uniqueTag();
    const dir = freshFolder(`drop-${tag}`);
    writeFile(dir, `dropped-${tag}.jsonl`, `${instructLine(`drop ${tag}`, 'a')}\n`);
    writeFile(dir, `readme-${tag}.md`, 'not a purpose type');
    const transfer = new vscode.DataTransfer();
    transfer.set('text/uri-list', new vscode.DataTransferItem(vscode.Uri.file(dir).toString()));
    const token = new vscode.CancellationTokenSource().token;
    await acceptQuickPicksUntilDone(Promise.resolve(deps.tree.dragAndDrop.handleDrop({ kind: 'group', purpose: 'fine-tune' }, transfer, token)));
    const uploaded = await remoteFilesNamed(`dropped-${tag}.jsonl`);
    assert.equal(uploaded.length, 1);
    assert.equal(uploaded[0].purpose, 'fine-tune');
    assert.deepEqual(await remoteFilesNamed(`readme-${tag}.md`), [], 'a type no purpose takes is not pre-ticked');
  });

  it('warns of a file already on Mistral with the same name and size, and skips it when told', async () => {
    const tag = uniqueTag();
    const dir = freshFolder(`dup-${tag}`);
    const content = `${instructLine(`dup ${tag}`, 'a')}\n`;
    const existing = await seedRemoteFile(`dup-${tag}.jsonl`, content, 'fine-tune');
    const local = writeFile(dir, `dup-${tag}.jsonl`, content);
    const fresh = writeFile(dir, `new-${tag}.jsonl`, `${instructLine(`new ${tag}`, 'a')}\n`);
    const outcome = await vscode.commands.executeCommand<UploadOutcome>('mistral.upload', { uris: [local, fresh], purpose: 'fine-tune', duplicates: 'skip' });
    assert.deepEqual(outcome.skipped?.map((f) => f.id), [existing.id]);
    assert.deepEqual(outcome.uploaded.map((f) => f.filename), [`new-${tag}.jsonl`]);
    const again = await vscode.commands.executeCommand<UploadOutcome>('mistral.upload', { uris: [local], purpose: 'fine-tune', duplicates: 'upload' });
    assert.equal(again.uploaded[0]?.id, existing.id, 'uploaded anyway, the service answers with the existing file');
  });

  it('does not open a PDF as text', async () => {
    const pdf = await seedRemoteFile(`scan-${uniqueTag()}.pdf`, Buffer.from('%PDF-1.4\n%%EOF\n'), 'ocr');
    const opened = await vscode.commands.executeCommand<vscode.Uri[]>('mistral.openFile', pdf);
    assert.deepEqual(opened, []);
    assert.ok(!vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === 'mistral-file')));
  });

  it('labels batch outputs by role, with the raw name in the description', () => {
    const base: MistralFile = { id: 'x', object: 'file', bytes: 10, created_at: 1_700_000_000, filename: '', purpose: 'batch', sample_type: 'batch_result', source: 'mistral' };
    const job = '7c1e5a0f-2b9d-4d4e-9a61-3f0c2d8e4b17';
    const results = fileTreeItem({ ...base, filename: `${job}.jsonl` });
    const errors = fileTreeItem({ ...base, filename: `${job}_error.jsonl`, sample_type: 'batch_error' });
    assert.equal(labelOf(results), 'Results of job 7c1e5a0f…');
    assert.equal(labelOf(errors), 'Errors of job 7c1e5a0f…');
    assert.match(String(errors.description), new RegExp(`^${job}_error\\.jsonl · `));
  });

  it('closes empty groups while filtered, and filters in one picker that keeps the current filter on Enter', async () => {
    const tag = uniqueTag();
    await seedRemoteFile(`only-${tag}.jsonl`, `${instructLine(tag, 'a')}\n`, 'fine-tune');
    await vscode.commands.executeCommand('mistral.filter', { search: tag, sources: ['upload'] });
    assert.deepEqual((await rootRows(deps.tree)).map((g) => g.collapsible), ['expanded', 'none', 'none', 'none']);
    assert.equal(groupTreeItem(undefined, 'batch', 'date', true).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'a group not loaded yet can still open');
    await acceptQuickPicksUntilDone(vscode.commands.executeCommand('mistral.filter'));
    assert.deepEqual(deps.filter.value, { search: tag, sampleTypes: undefined, sources: ['upload'] });
    assert.deepEqual((await rowsUnder(deps.tree, 'Fine-tune')).map((r) => r.label), [`only-${tag}.jsonl`]);
  });

  it('binds Delete, F5 and Ctrl+C in the Files view, and Go to File everywhere', () => {
    const manifest = vscode.extensions.getExtension('mistral-files.mistral-files')?.packageJSON as { contributes: { keybindings: Array<{ command: string; key: string; when?: string }> } };
    const bound = new Map(manifest.contributes.keybindings.map((k) => [k.command, k]));
    for (const [command, key] of [['mistral.delete', 'delete'], ['mistral.refresh', 'f5'], ['mistral.copyFileId', 'ctrl+c']]) {
      assert.equal(bound.get(command)?.key, key);
      assert.match(bound.get(command)?.when ?? '', /focusedView == mistral\.files/);
    }
    assert.equal(bound.get('mistral.goToFile')?.key, 'ctrl+alt+m');
  });
});
