/** Run OCR and Transcribe in the real extension host against the emulator, and the upload checks per purpose. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentOutcome } from '../../src/extension/documents/documentFlow';
import type { UploadOutcome } from '../../src/extension/files/commands/upload';
import { pdfDocument, reportPdf, textPage, toneWav } from '../emulator/seedContent';
import {
  acceptQuickPicksUntilDone, activateWithKey, closeAllEditors, eventually, fileNode, freshFolder, remoteContent, remoteFile, remoteFilesNamed,
  seedRemoteFile, uniqueTag, writeFile,
} from './fileCommandsSupport';

async function run(command: 'mistral.runOcr' | 'mistral.transcribe', ...args: unknown[]): Promise<DocumentOutcome> {
  const outcome = await vscode.commands.executeCommand<DocumentOutcome | undefined>(command, ...args);
  assert.ok(outcome, `${command} returned nothing`);
  return outcome;
}

/** The labels of every open tab, with the kind of editor behind it. */
function openTabs(): Array<{ label: string; kind: 'text' | 'webview' | 'other'; uri?: string }> {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).map((tab) => ({
    label: tab.label,
    kind: tab.input instanceof vscode.TabInputText ? 'text' : tab.input instanceof vscode.TabInputWebview ? 'webview' : 'other',
    uri: tab.input instanceof vscode.TabInputText ? tab.input.uri.toString() : undefined,
  }));
}

describe('Run OCR and Transcribe', function () {
  this.timeout(60_000);
  let dir: string;

  before(async () => {
    await activateWithKey();
    dir = freshFolder('documents');
  });
  afterEach(async () => {
    await closeAllEditors();
  });

  it('turns a PDF from the Explorer into Markdown with its images beside it, opened beside its preview', async () => {
    const tag = uniqueTag();
    const pdf = writeFile(dir, `report-${tag}.pdf`, reportPdf());
    // The Explorer passes (clicked, selected[]); the folder question's first choice (beside the PDF) is accepted.
    const outcome = await acceptQuickPicksUntilDone(run('mistral.runOcr', pdf, [pdf]));
    assert.equal(outcome.stopped, undefined);
    const stem = `report-${tag}`;
    assert.equal(outcome.markdown?.fsPath, path.join(dir, `${stem}.md`));
    assert.deepEqual(outcome.images.map((uri) => path.basename(uri.fsPath)), [`${stem}-img-0.jpeg`, `${stem}-img-1.jpeg`]);
    const markdown = fs.readFileSync(path.join(dir, `${stem}.md`), 'utf8');
    assert.ok(markdown.startsWith('<!-- page 1 (1 of 2) -->\n\n# Quarterly report Q3 2026\n'), markdown);
    assert.ok(markdown.includes(`![img-1.jpeg](${stem}-img-1.jpeg)`), markdown);
    assert.ok(fs.readFileSync(path.join(dir, `${stem}-img-0.jpeg`)).subarray(0, 2).equals(Buffer.from([0xff, 0xd8])), 'a JPEG');
    // Uploaded once, with purpose ocr.
    const [uploaded] = await remoteFilesNamed(`${stem}.pdf`);
    assert.equal(uploaded?.purpose, 'ocr');
    assert.equal(outcome.fileId, uploaded.id);
    assert.deepEqual(await remoteContent(uploaded.id), reportPdf());
    // The Markdown in an editor and its preview beside it.
    await eventually('the editor and its preview', () => {
      const tabs = openTabs();
      return tabs.some((tab) => tab.kind === 'text' && tab.uri === outcome.markdown?.toString()) && tabs.some((tab) => tab.kind === 'webview' && tab.label.includes(`${stem}.md`));
    });
  });

  it('never replaces a result unasked: Keep Both writes a numbered Markdown and images, Replace rewrites it', async () => {
    const tag = uniqueTag();
    const pdf = writeFile(dir, `memo-${tag}.pdf`, pdfDocument([textPage(['Memo', tag])]));
    const folder = freshFolder('ocr-out');
    const first = await run('mistral.runOcr', { uri: pdf, folder });
    fs.appendFileSync(first.markdown?.fsPath ?? '', '\nmy notes\n');
    const before = fs.readFileSync(first.markdown?.fsPath ?? '', 'utf8');
    const both = await run('mistral.runOcr', { uri: pdf, folder, ifExists: 'keepBoth' });
    assert.equal(path.basename(both.markdown?.fsPath ?? ''), `memo-${tag} (1).md`);
    assert.deepEqual(both.images.map((uri) => path.basename(uri.fsPath)), [`memo-${tag} (1)-img-0.jpeg`]);
    assert.equal(fs.readFileSync(first.markdown?.fsPath ?? '', 'utf8'), before, 'the first result is untouched');
    const replaced = await run('mistral.runOcr', { uri: pdf, folder, ifExists: 'replace' });
    assert.equal(replaced.markdown?.fsPath, first.markdown?.fsPath);
    assert.ok(!fs.readFileSync(first.markdown?.fsPath ?? '', 'utf8').includes('my notes'));
    // Images of the replaced result never overwrite another file: the old ones stay, the new get numbers.
    assert.deepEqual(fs.readdirSync(folder).sort(), [`memo-${tag} (1)-img-0.jpeg`, `memo-${tag} (1).md`, `memo-${tag}-img-0 (1).jpeg`, `memo-${tag}-img-0.jpeg`, `memo-${tag}.md`]);
  });

  it('opens the OCR of a remote file read-only, images inline, nothing saved; a long one a page at a time', async () => {
    const tag = uniqueTag();
    const remote = await seedRemoteFile(`scan-${tag}.pdf`, reportPdf(), 'ocr');
    // As the Files view passes a node; the quick pick's first choice is "Open Read-Only".
    const viewed = await acceptQuickPicksUntilDone(run('mistral.runOcr', fileNode(remote), [fileNode(remote)]));
    assert.equal(viewed.markdown?.scheme, 'mistral-result');
    const document = await vscode.workspace.openTextDocument(viewed.markdown as vscode.Uri);
    assert.ok(document.getText().includes('# Outlook'));
    assert.ok(document.getText().includes('![img-0.jpeg](data:image/jpeg;base64,'));
    assert.equal(fs.existsSync(path.join(path.dirname(dir), 'mistral-ocr', `scan-${tag}.md`)), false);
    await eventually('its preview', () => openTabs().some((tab) => tab.kind === 'webview' && tab.label.includes(`scan-${tag}.md`)));

    const long = await seedRemoteFile(`long-${tag}.pdf`, pdfDocument(Array.from({ length: 25 }, (_, n) => textPage([`Chapter ${n + 1}`]))), 'ocr');
    const page = await run('mistral.runOcr', { file: long.id, output: 'view', page: 25 });
    const text = (await vscode.workspace.openTextDocument(page.markdown as vscode.Uri)).getText();
    assert.ok(text.startsWith('<!-- page 25 -->\n\n# Chapter 25'), text);
    assert.ok(!text.includes('Chapter 24'));
  });

  it('refuses a file OCR cannot take before uploading it, naming what OCR takes', async () => {
    const tag = uniqueTag();
    const sheet = writeFile(dir, `sheet-${tag}.xlsx`, 'cells');
    const outcome = await run('mistral.runOcr', { uri: sheet });
    assert.equal(outcome.stopped, 'refused');
    assert.deepEqual(await remoteFilesNamed(`sheet-${tag}.xlsx`), []);
    // The upload command refuses it for OCR too, with the same words, and uploads nothing.
    const upload = await vscode.commands.executeCommand<UploadOutcome>('mistral.upload', { uris: [sheet], purpose: 'ocr' });
    assert.deepEqual(upload.uploaded, []);
    assert.equal(upload.failed.length, 1);
    assert.match(upload.failed[0].error, /cannot be uploaded for OCR: OCR takes PDF, PNG, JPG, .*, DOCX, PPTX files\./);
    assert.deepEqual(await remoteFilesNamed(`sheet-${tag}.xlsx`), []);
  });

  it('turns a recording into a Markdown transcript with timed segments; a remote one read-only', async () => {
    const tag = uniqueTag();
    const wav = writeFile(dir, `standup-${tag}.wav`, toneWav());
    const folder = freshFolder('transcripts');
    const outcome = await run('mistral.transcribe', wav, [wav], { folder });
    assert.equal(outcome.markdown?.fsPath, path.join(folder, `standup-${tag}.transcript.md`));
    const text = fs.readFileSync(outcome.markdown?.fsPath ?? '', 'utf8');
    assert.equal(text, `# standup-${tag}.wav\n\n*language: en · length: 00:01.0 · model: voxtral-mini-latest*\n\n- **00:00.0 → 00:01.0** Emulated transcript of standup-${tag}.wav (1 s).\n`);
    assert.equal((await remoteFile(outcome.fileId ?? ''))?.purpose, 'audio');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, outcome.markdown?.fsPath);

    const remote = await seedRemoteFile(`call-${tag}.wav`, toneWav(), 'audio');
    const viewed = await run('mistral.transcribe', { file: remote, output: 'view' });
    assert.equal(viewed.markdown?.scheme, 'mistral-result');
    assert.match((await vscode.workspace.openTextDocument(viewed.markdown as vscode.Uri)).getText(), new RegExp(`Emulated transcript of call-${tag}\\.wav`));
  });
});
