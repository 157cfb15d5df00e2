/**
 * Preview through the read-only `mistral-file:` file system: byte-exact content, language from the name, images in
 * VS Code's image preview, no writes, and a clear "not found" when the file was deleted meanwhile.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import { previewUri } from '../../src/extension/files/preview/previewUri';

import { api, closeAllEditors, eventually, instructLine, seedRemoteFile, uniqueTag, activateWithKey } from './fileCommandsSupport';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082',
  'hex',
);

function fsErrorCode(err: unknown): string | undefined {
  return err instanceof vscode.FileSystemError ? err.code : undefined;
}

describe('Preview (mistral-file: read-only file system)', function () {
  this.timeout(60_000);
  const tag = `preview-${uniqueTag()}`;

  let deps: ExtensionHandles;

  before(async () => {
    deps = await activateWithKey();
  });

  afterEach(closeAllEditors);

  it('opens a JSONL file in a tab with exactly the uploaded text and the JSON Lines language', async () => {
    const text = `${instructLine(`Grüße, ${tag} — 日本語 ✓`, 'Hello! 👋')}\n${instructLine('second', 'line')}\n`;
    const file = await seedRemoteFile(`${tag}-chat.jsonl`, text, 'fine-tune');
    const opened = (await vscode.commands.executeCommand('mistral.openFile', file)) as vscode.Uri[];
    assert.equal(opened.length, 1);
    assert.equal(opened[0].toString(), previewUri(file).toString());
    assert.equal(opened[0].scheme, 'mistral-file');
    const editor = await eventually('the preview editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === opened[0].toString() ? vscode.window.activeTextEditor : undefined,
    );
    assert.equal(editor.document.getText(), text);
    assert.equal(editor.document.languageId, 'jsonl');
  });

  it('serves binary content byte for byte, and stats it from the metadata', async () => {
    const bytes = randomBytes(200_000);
    const file = await seedRemoteFile(`${tag}-blob.bin`, bytes, 'ocr');
    const uri = previewUri(file);
    const read = await vscode.workspace.fs.readFile(uri);
    assert.equal(Buffer.compare(Buffer.from(read), bytes), 0);
    const stat = await vscode.workspace.fs.stat(uri);
    assert.equal(stat.type, vscode.FileType.File);
    assert.equal(stat.size, bytes.length);
    assert.equal(stat.mtime, file.created_at * 1000);
    assert.equal(stat.permissions, vscode.FilePermission.Readonly);
  });

  it('opens a file given only its id', async () => {
    const file = await seedRemoteFile(`${tag}-by-id.jsonl`, `${instructLine(tag, 'by id')}\n`, 'fine-tune');
    const opened = (await vscode.commands.executeCommand('mistral.openFile', file.id)) as vscode.Uri[];
    assert.equal(opened[0]?.path, `/${file.id}/${tag}-by-id.jsonl`);
  });

  it('opens images in VS Code\'s image preview', async () => {
    const file = await seedRemoteFile(`${tag}-pixel.png`, PNG, 'ocr');
    await vscode.commands.executeCommand('mistral.openFile', file);
    const input = await eventually('the image preview tab', () => {
      const tabInput = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return tabInput instanceof vscode.TabInputCustom ? tabInput : undefined;
    });
    assert.equal(input.viewType, 'imagePreview.previewEditor');
    assert.equal(input.uri.toString(), previewUri(file).toString());
  });

  it('is read-only: the file system refuses writes, deletes and renames', async () => {
    const file = await seedRemoteFile(`${tag}-ro.jsonl`, `${instructLine(tag, 'read only')}\n`, 'fine-tune');
    const uri = previewUri(file);
    assert.equal(vscode.workspace.fs.isWritableFileSystem('mistral-file'), false);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))), (err) => fsErrorCode(err) === 'NoPermissions');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.delete(uri)), (err) => fsErrorCode(err) === 'NoPermissions');
    const after = await vscode.workspace.fs.readFile(uri);
    assert.equal(Buffer.from(after).toString('utf8'), `${instructLine(tag, 'read only')}\n`);
  });

  it('reports a file deleted meanwhile as not found, and opens no tab', async () => {
    const file = await seedRemoteFile(`${tag}-gone.jsonl`, `${instructLine(tag, 'gone')}\n`, 'fine-tune');
    const deleted = await api(`/v1/files/${file.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(previewUri(file))), (err) => fsErrorCode(err) === 'FileNotFound');
    const opened = (await vscode.commands.executeCommand('mistral.openFile', file)) as vscode.Uri[];
    assert.deepEqual(opened, []);
    assert.equal(vscode.window.activeTextEditor, undefined);
  });

  it('tells an open preview its file was deleted when the tree no longer lists it', async () => {
    const file = await seedRemoteFile(`${tag}-open-then-deleted.jsonl`, `${instructLine(tag, 'soon gone')}\n`, 'fine-tune');
    const [uri] = (await vscode.commands.executeCommand('mistral.openFile', file)) as vscode.Uri[];
    const deletedEvents: string[] = [];
    const subscription = deps.preview.onDidChangeFile((events) => {
      for (const event of events) if (event.type === vscode.FileChangeType.Deleted) deletedEvents.push(event.uri.toString());
    });
    try {
      const outcome = await vscode.commands.executeCommand('mistral.delete', file, { confirm: false });
      assert.ok(outcome, 'the delete command ran');
      await eventually('the Deleted event for the open preview', () => deletedEvents.includes(uri.toString()));
    } finally {
      subscription.dispose();
    }
  });
});
