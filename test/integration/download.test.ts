/** `mistral.download`: byte-exact, sanitised names, collisions, no partial or clobbered files on failure. */
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  acceptQuickPicksUntilDone,
  activateWithKey,
  addFault,
  api,
  clearFaults,
  freshFolder,
  seedRemoteFile,
  uniqueTag,
  fileNode,
} from './fileCommandsSupport';

async function download(...args: unknown[]): Promise<vscode.Uri | vscode.Uri[] | undefined> {
  return vscode.commands.executeCommand<vscode.Uri | vscode.Uri[] | undefined>('mistral.download', ...args);
}


describe('Download command', function () {
  this.timeout(90_000);

  before(activateWithKey);
  afterEach(clearFaults);

  it('saves one file byte for byte to the chosen path', async () => {
    const content = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const remote = await seedRemoteFile(`blob-${uniqueTag()}.bin`, content, 'ocr');
    const target = path.join(freshFolder('download'), 'saved.bin');
    const saved = await download(fileNode(remote), [fileNode(remote)], { destination: vscode.Uri.file(target) });
    assert.ok(saved instanceof vscode.Uri);
    assert.equal(saved.fsPath, target);
    assert.ok(fs.readFileSync(target).equals(content));
  });

  it('accepts a bare file id and a folder destination, with the server name made safe', async () => {
    const content = `${uniqueTag()}\n`;
    // Characters Windows forbids and a reserved device name; the server keeps them, the saved name must not.
    const remote = await seedRemoteFile('CON:<report>?.jsonl', content);
    const folder = freshFolder('download-safe');
    const saved = await download(remote.id, { destination: vscode.Uri.file(folder) });
    assert.ok(saved instanceof vscode.Uri);
    assert.equal(path.dirname(saved.fsPath), folder);
    assert.equal(path.basename(saved.fsPath), 'CON__report__.jsonl');
    assert.equal(fs.readFileSync(saved.fsPath, 'utf8'), content);
  });

  it('offers a save dialog in the last download folder with the sanitised name, and a folder picker for several', async () => {
    const folder = freshFolder('download-dialog');
    // The service keeps only the base name of a multipart filename; ':' and '|' survive and must not reach the disk.
    const first = await seedRemoteFile('q:r|s.jsonl', `${uniqueTag()}\n`);
    // Remembered as the last download folder, so the dialogs open there.
    await download(first, { destination: vscode.Uri.file(path.join(folder, 'seed.jsonl')) });

    const saved = await acceptQuickPicksUntilDone(download(first));
    assert.ok(saved instanceof vscode.Uri, 'the save dialog was accepted');
    assert.equal(saved.fsPath, path.join(folder, 'q_r_s.jsonl'));
    assert.ok(fs.readFileSync(saved.fsPath).equals(fs.readFileSync(path.join(folder, 'seed.jsonl'))));

    const second = await seedRemoteFile(`two-${uniqueTag()}.jsonl`, 'two\n');
    const many = await acceptQuickPicksUntilDone(download([first, second]));
    assert.ok(Array.isArray(many), 'the folder picker was accepted');
    assert.deepEqual(many.map((uri) => path.basename(uri.fsPath)), ['q_r_s (1).jsonl', second.filename]);
    assert.ok(many.every((uri) => path.dirname(uri.fsPath) === folder));
  });

  it('downloads a multi-selection into a folder, adding " (n)" instead of overwriting', async () => {
    const name = `same-${uniqueTag()}.jsonl`;
    const first = await seedRemoteFile(name, 'first\n');
    const second = await seedRemoteFile(name, 'second\n');
    const other = await seedRemoteFile(`other-${uniqueTag()}.jsonl`, 'other\n', 'batch');
    const folder = freshFolder('download-many');
    fs.writeFileSync(path.join(folder, name), 'already here\n');

    const nodes = [first, second, other].map(fileNode);
    const saved = await download(nodes[0], nodes, { destination: vscode.Uri.file(folder) });
    assert.ok(Array.isArray(saved));
    const stem = name.replace(/\.jsonl$/, '');
    assert.deepEqual(saved.map((uri) => path.basename(uri.fsPath)), [`${stem} (1).jsonl`, `${stem} (2).jsonl`, other.filename]);
    assert.equal(fs.readFileSync(path.join(folder, name), 'utf8'), 'already here\n');
    assert.equal(fs.readFileSync(saved[0].fsPath, 'utf8'), 'first\n');
    assert.equal(fs.readFileSync(saved[1].fsPath, 'utf8'), 'second\n');
    assert.equal(fs.readFileSync(saved[2].fsPath, 'utf8'), 'other\n');
    assert.deepEqual(fs.readdirSync(folder).sort(), [name, `${stem} (1).jsonl`, `${stem} (2).jsonl`, other.filename].sort());
  });

  it('leaves an existing file intact and no partial file when the connection keeps dropping', async () => {
    const remote = await seedRemoteFile(`drop-${uniqueTag()}.bin`, crypto.randomBytes(512 * 1024), 'ocr');
    const folder = freshFolder('download-drop');
    const target = path.join(folder, 'keep.bin');
    fs.writeFileSync(target, 'precious\n');
    await addFault({ method: 'GET', path: `/v1/files/${remote.id}/content$`, resetAfterBytes: 100_000, count: 50 });
    const saved = await download(remote, { destination: vscode.Uri.file(target) });
    assert.equal(saved, undefined);
    assert.equal(fs.readFileSync(target, 'utf8'), 'precious\n');
    assert.deepEqual(fs.readdirSync(folder), ['keep.bin']);
  });

  it('fails without creating a file when the remote file was deleted meanwhile (404)', async () => {
    const remote = await seedRemoteFile(`gone-${uniqueTag()}.jsonl`, 'x\n');
    assert.equal((await api(`/v1/files/${remote.id}`, { method: 'DELETE' })).status, 200);
    const folder = freshFolder('download-gone');
    const saved = await download(remote, { destination: vscode.Uri.file(folder) });
    assert.equal(saved, undefined);
    assert.deepEqual(fs.readdirSync(folder), []);
  });

  it('retries a 429 and a dropped connection, then saves the whole file', async () => {
    const content = crypto.randomBytes(400 * 1024);
    const remote = await seedRemoteFile(`retry-${uniqueTag()}.bin`, content, 'ocr');
    await addFault({ method: 'GET', path: `/v1/files/${remote.id}/content$`, status: 429, retryAfterSeconds: 1, count: 1 });
    await addFault({ method: 'GET', path: `/v1/files/${remote.id}/content$`, resetAfterBytes: 100_000, count: 1 });
    const target = path.join(freshFolder('download-retry'), 'retry.bin');
    const saved = await download(remote, { destination: vscode.Uri.file(target) });
    assert.ok(saved instanceof vscode.Uri);
    assert.ok(fs.readFileSync(target).equals(content));
  });

  it('reports a 401 without writing anything', async () => {
    const remote = await seedRemoteFile(`unauth-${uniqueTag()}.jsonl`, 'x\n');
    await addFault({ method: 'GET', path: `/v1/files/${remote.id}/content$`, status: 401, count: 1 });
    const folder = freshFolder('download-401');
    assert.equal(await download(remote, { destination: vscode.Uri.file(folder) }), undefined);
    assert.deepEqual(fs.readdirSync(folder), []);
  });
});
