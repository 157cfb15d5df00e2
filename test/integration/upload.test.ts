/** `mistral.upload` and `mistral.uploadToGroup` in the real extension host, verified against the emulator over HTTP. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionHandles } from './fileCommandsSupport';
import { rowsUnder } from './coreSupport';
import { retryFailed, type UploadOutcome } from '../../src/extension/files/commands/upload';
import {
  acceptQuickPicksUntilDone,
  activateWithKey,
  addFault,
  batchLine,
  clearFaults,
  closeAllEditors,
  eventually,
  freshFolder,
  instructLine,
  mistralDiagnostics,
  remoteContent,
  remoteFile,
  remoteFilesNamed,
  requestsDuring,
  requestsTo,
  setSetting,
  uniqueTag,
  withoutAsking,
  writeFile,
} from './fileCommandsSupport';

async function upload(...args: unknown[]): Promise<UploadOutcome> {
  const outcome = await vscode.commands.executeCommand<UploadOutcome | undefined>('mistral.upload', ...args);
  assert.ok(outcome, 'mistral.upload returned nothing');
  return outcome;
}

describe('Upload command', function () {
  this.timeout(60_000);
  let deps: ExtensionHandles;
  let dir: string;

  before(async () => {
    deps = (await activateWithKey()) as ExtensionHandles;
    dir = freshFolder('upload');
  });
  afterEach(async () => {
    await clearFaults();
    await setSetting('validation.beforeUpload', undefined);
    await setSetting('upload.defaultVisibility', undefined);
    await closeAllEditors();
  });

  it('uploads an Explorer multi-selection with one QuickPick that suggests each file its own purpose', async () => {
    const tag = uniqueTag();
    const train = writeFile(dir, `train-${tag}.jsonl`, `${instructLine(`q ${tag}`, 'a')}\n${instructLine('q2', 'a2')}\n`);
    const requests = writeFile(dir, `requests-${tag}.jsonl`, `${batchLine('r1', tag)}\n${batchLine('r2', 'x')}\n`);
    // Explorer passes (clicked, allSelected[]); the files differ, so "Suggested per file" is the pre-selected item.
    const outcome = await acceptQuickPicksUntilDone(upload(train, [train, requests]));
    assert.deepEqual(outcome.failed, []);
    assert.equal(outcome.uploaded.length, 2);
    const byName = new Map(outcome.uploaded.map((file) => [file.filename, file]));
    const trainFile = byName.get(path.basename(train.fsPath));
    const batchFile = byName.get(path.basename(requests.fsPath));
    assert.ok(trainFile && batchFile);
    assert.equal((await remoteFile(trainFile.id))?.purpose, 'fine-tune');
    assert.equal((await remoteFile(batchFile.id))?.purpose, 'batch');
    assert.equal((await remoteFile(batchFile.id))?.visibility, 'workspace');
    assert.deepEqual(await remoteContent(trainFile.id), fs.readFileSync(train.fsPath));
    assert.deepEqual(await remoteContent(batchFile.id), fs.readFileSync(requests.fsPath));
    // The new file is in the tree: its group was reloaded and the file revealed.
    await eventually('the uploaded file in the tree', async () => (await rowsUnder(deps.tree, 'Batch')).some((r) => r.id === batchFile.id && r.label === batchFile.filename));
  });

  it('detects purposes without asking when told "auto": pdf → ocr, audio → audio, jsonl → fine-tune or batch', async () => {
    const tag = uniqueTag();
    const pdf = writeFile(dir, `scan-${tag}.pdf`, Buffer.from(`%PDF-1.4\n% ${tag}\n%%EOF\n`, 'latin1'));
    const audio = writeFile(dir, `talk-${tag}.mp3`, Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, ...Buffer.from(tag)]));
    const batch = writeFile(dir, `b-${tag}.jsonl`, `${batchLine('only', tag)}\n`);
    const pretrain = writeFile(dir, `p-${tag}.jsonl`, `${JSON.stringify({ text: tag })}\n`);
    // The purpose QuickPick, had it opened, would wait for an Enter nobody presses here.
    const outcome = await withoutAsking(upload({ uris: [pdf, audio, batch, pretrain], purpose: 'auto', visibility: 'user' }), 15);
    assert.deepEqual(outcome.failed, []);
    const purposeOf = (uri: vscode.Uri) => outcome.uploaded.find((file) => file.filename === path.basename(uri.fsPath))?.purpose;
    assert.deepEqual([pdf, audio, batch, pretrain].map(purposeOf), ['ocr', 'audio', 'batch', 'fine-tune']);
    for (const file of outcome.uploaded) assert.equal((await remoteFile(file.id))?.visibility, 'user');
  });

  it('validates and uploads a 12 MB file byte for byte (the large-file validation path)', async () => {
    const tag = uniqueTag();
    const line = instructLine(`${tag} ${'q'.repeat(300)}`, 'a'.repeat(300));
    const uri = writeFile(dir, `large-${tag}.jsonl`, `${line}\n`.repeat(Math.ceil((12 * 1024 * 1024) / (line.length + 1))));
    const outcome = await upload({ uris: [uri], purpose: 'fine-tune', validation: 'block' });
    assert.deepEqual(outcome.blocked, []);
    assert.equal(outcome.uploaded.length, 1);
    const local = fs.readFileSync(uri.fsPath);
    assert.equal(outcome.uploaded[0].bytes, local.length);
    assert.ok((await remoteContent(outcome.uploaded[0].id)).equals(local));
    assert.deepEqual(mistralDiagnostics(uri), []);
  });

  it('uploads the active .jsonl editor when run from the palette, purpose suggested in the QuickPick', async () => {
    const tag = uniqueTag();
    const uri = writeFile(dir, `active-${tag}.jsonl`, `${batchLine('a', tag)}\n`);
    await vscode.window.showTextDocument(uri);
    const outcome = await acceptQuickPicksUntilDone(upload());
    assert.equal(outcome.uploaded.length, 1);
    assert.equal(outcome.uploaded[0].filename, path.basename(uri.fsPath));
    assert.equal((await remoteFile(outcome.uploaded[0].id))?.purpose, 'batch');
  });

  it('blocks a file with errors: nothing is sent and Problems shows each error at its exact range', async () => {
    const tag = uniqueTag();
    const uri = writeFile(
      dir,
      `broken-${tag}.jsonl`,
      [
        instructLine(`fine ${tag}`, 'ok'),
        '{"messages":[{"role":"robot","content":"Hi"},{"role":"assistant","content":"Hello"}]}',
        '{"messages":[{"role":"user","content":"Hi"}]}',
      ].join('\n') + '\n',
    );
    const { result: outcome, requests } = await requestsDuring(() => upload({ uris: [uri], purpose: 'fine-tune', validation: 'block' }));
    assert.deepEqual(outcome.uploaded, []);
    assert.deepEqual(outcome.blocked.map((u) => u.fsPath), [uri.fsPath]);
    assert.deepEqual(requestsTo(requests, 'POST', /^\/v1\/files$/), [], 'an upload was sent');
    assert.deepEqual(await remoteFilesNamed(path.basename(uri.fsPath)), []);
    const problems = mistralDiagnostics(uri).map(({ range, code, severity }) => ({ range, code, severity }));
    assert.deepEqual(problems, [
      { range: [1, 21, 1, 28], code: 'role-invalid', severity: vscode.DiagnosticSeverity.Error },
      { range: [2, 13, 2, 43], code: 'last-message-not-assistant', severity: vscode.DiagnosticSeverity.Error },
    ]);
  });

  it('uploads despite errors with force, with warn (setting) and with validation off, which leaves Problems alone', async () => {
    const bad = (tag: string): string => `{"messages":[{"role":"user","content":"${tag}"}]}\n`;
    const forced = writeFile(dir, `forced-${uniqueTag()}.jsonl`, bad(uniqueTag()));
    const forcedOutcome = await upload({ uris: [forced], purpose: 'fine-tune', validation: 'block', force: true });
    assert.equal(forcedOutcome.uploaded.length, 1);
    assert.equal(mistralDiagnostics(forced)[0]?.code, 'last-message-not-assistant');

    await setSetting('validation.beforeUpload', 'warn');
    const warned = writeFile(dir, `warned-${uniqueTag()}.jsonl`, bad(uniqueTag()));
    const warnedOutcome = await upload({ uris: [warned], purpose: 'fine-tune' });
    assert.equal(warnedOutcome.uploaded.length, 1);
    assert.deepEqual(await remoteContent(warnedOutcome.uploaded[0].id), fs.readFileSync(warned.fsPath));
    assert.equal(mistralDiagnostics(warned).length, 1);

    await setSetting('validation.beforeUpload', 'block');
    const unchecked = writeFile(dir, `unchecked-${uniqueTag()}.jsonl`, bad(uniqueTag()));
    const uncheckedOutcome = await upload({ uris: [unchecked], purpose: 'fine-tune', validation: 'off' });
    assert.equal(uncheckedOutcome.uploaded.length, 1);
    assert.deepEqual(mistralDiagnostics(unchecked), []);

    // The setting alone blocks.
    const blocked = writeFile(dir, `blocked-${uniqueTag()}.jsonl`, bad(uniqueTag()));
    const blockedOutcome = await upload({ uris: [blocked], purpose: 'fine-tune' });
    assert.equal(blockedOutcome.uploaded.length, 0);
    assert.equal(blockedOutcome.blocked.length, 1);
  });

  it('saves a dirty editor before uploading, and cancels when told not to save', async () => {
    const tag = uniqueTag();
    const uri = writeFile(dir, `dirty-${tag}.jsonl`, `${instructLine(`first ${tag}`, 'a')}\n`);
    const editor = await vscode.window.showTextDocument(uri);
    const added = `${instructLine(`added ${tag}`, 'b')}\n`;
    await editor.edit((edit) => edit.insert(new vscode.Position(1, 0), added));
    assert.equal(editor.document.isDirty, true);

    const refused = await upload({ uris: [uri], purpose: 'fine-tune', saveDirty: false });
    assert.equal(refused.cancelled, true);
    assert.deepEqual(await remoteFilesNamed(path.basename(uri.fsPath)), []);

    const outcome = await upload({ uris: [uri], purpose: 'fine-tune', saveDirty: true });
    assert.equal(editor.document.isDirty, false);
    assert.equal(outcome.uploaded.length, 1);
    const content = (await remoteContent(outcome.uploaded[0].id)).toString('utf8');
    assert.equal(content, `${instructLine(`first ${tag}`, 'a')}\n${added}`);
  });

  it('uploadToGroup uses the group node\'s purpose', async () => {
    const tag = uniqueTag();
    const uri = writeFile(dir, `to-group-${tag}.jsonl`, `${instructLine(tag, 'a')}\n`);
    const outcome = await vscode.commands.executeCommand<UploadOutcome>('mistral.uploadToGroup', { kind: 'group', purpose: 'batch' }, { uris: [uri], validation: 'off' });
    assert.equal(outcome.uploaded.length, 1);
    assert.equal((await remoteFile(outcome.uploaded[0].id))?.purpose, 'batch');
  });

  it('reports each failure of a multi-file upload and still uploads the rest', async () => {
    const tag = uniqueTag();
    const good = writeFile(dir, `good-${tag}.jsonl`, `${instructLine(tag, 'a')}\n`);
    const missing = vscode.Uri.file(path.join(dir, `missing-${tag}.jsonl`));
    const folder = vscode.Uri.file(freshFolder('upload-folder'));
    // Sparse: 513 MB on paper, no disk used; refused before a byte is read or sent.
    const huge = vscode.Uri.file(path.join(dir, `huge-${tag}.jsonl`));
    fs.writeFileSync(huge.fsPath, '');
    fs.truncateSync(huge.fsPath, 513 * 1024 * 1024);
    try {
      const outcome = await upload({ uris: [missing, good, folder, huge], purpose: 'fine-tune' });
      assert.deepEqual(outcome.uploaded.map((f) => f.filename), [path.basename(good.fsPath)]);
      assert.equal(outcome.failed.length, 3);
      assert.match(outcome.failed[0].error, /missing-.*not found/);
      assert.match(outcome.failed[1].error, /folder/);
      assert.match(outcome.failed[2].error, /huge-.*513 MB.*512 MB/);
      assert.deepEqual(await remoteFilesNamed(path.basename(huge.fsPath)), []);
    } finally {
      fs.rmSync(huge.fsPath, { force: true });
    }
  });

  it('fails cleanly on 401 and when the connection drops, leaving nothing on the server', async () => {
    const tag = uniqueTag();
    const unauthorized = writeFile(dir, `unauth-${tag}.jsonl`, `${instructLine(tag, 'a')}\n`);
    await addFault({ method: 'POST', path: '^/v1/files$', status: 401, count: 1 });
    const refused = await upload({ uris: [unauthorized], purpose: 'fine-tune' });
    assert.deepEqual(refused.uploaded, []);
    assert.match(refused.failed[0]?.error ?? '', /401|key/i);
    assert.deepEqual(await remoteFilesNamed(path.basename(unauthorized.fsPath)), []);

    const dropped = writeFile(dir, `dropped-${tag}.jsonl`, `${instructLine(tag, 'x'.repeat(200_000))}\n`);
    await addFault({ method: 'POST', path: '^/v1/files$', resetAfterBytes: 50_000, count: 20 });
    const failed = await upload({ uris: [dropped], purpose: 'fine-tune' });
    await clearFaults();
    assert.deepEqual(failed.uploaded, []);
    assert.equal(failed.failed.length, 1);
    assert.deepEqual(await remoteFilesNamed(path.basename(dropped.fsPath)), []);
  });

  it('offers Retry for files that failed while sending, which sends them with the purpose already chosen', async () => {
    const tag = uniqueTag();
    const requests = writeFile(dir, `retry-${tag}.jsonl`, `${batchLine('a', `${tag} ${'x'.repeat(200_000)}`)}\n`);
    const missing = vscode.Uri.file(path.join(dir, `gone-${tag}.jsonl`));
    // The connection drops once the body is under way: an upload is never repeated blindly then.
    await addFault({ method: 'POST', path: '^/v1/files$', resetAfterBytes: 50_000, count: 20 });
    const first = await upload({ uris: [requests, missing], purpose: 'batch' });
    await clearFaults();
    const purposeOf = (uri: vscode.Uri) => first.failed.find((f) => f.uri.fsPath === uri.fsPath)?.purpose;
    assert.equal(first.failed.length, 2);
    assert.equal(purposeOf(requests), 'batch');
    assert.equal(purposeOf(missing), undefined, 'a file refused before sending has no purpose to retry with');
    const { retry } = retryFailed(first.failed, 'workspace');
    assert.ok(retry, 'a file that failed while sending can be retried');
    // No QuickPick may open: the retry would hang here if it asked for the purpose again.
    const retried = (await retry()) as UploadOutcome;
    assert.deepEqual(retried.uploaded.map((f) => [f.filename, f.purpose]), [[path.basename(requests.fsPath), 'batch']]);
    assert.deepEqual(retryFailed([{ uri: missing, error: 'not found' }], 'workspace'), {}, 'nothing to retry');
  });
});
