/** Run OCR and Transcribe in the real extension host against the emulator, and the upload checks per purpose. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DocumentOutcome } from '../../src/extension/documents/documentFlow';
import type { DocumentRunOutcome } from '../../src/extension/documents/documentRun';
import type { UploadOutcome } from '../../src/extension/files/commands/upload';
import { pdfDocument, receiptPng, reportPdf, textPage, toneWav } from '../emulator/seedContent';
import {
  acceptQuickPicksUntilDone, activateWithKey, addFault, clearFaults, closeAllEditors, eventually, fileNode, freshFolder, remoteContent, remoteFile,
  remoteFilesNamed, seedRemoteFile, uniqueTag, writeFile,
} from './fileCommandsSupport';

async function run(command: 'mistral.runOcr' | 'mistral.transcribe', ...args: unknown[]): Promise<DocumentOutcome> {
  const outcome = await vscode.commands.executeCommand<DocumentOutcome | undefined>(command, ...args);
  assert.ok(outcome, `${command} returned nothing`);
  return outcome;
}

async function runSeveral(command: 'mistral.runOcr' | 'mistral.transcribe', ...args: unknown[]): Promise<DocumentRunOutcome> {
  const outcome = await vscode.commands.executeCommand<DocumentRunOutcome | undefined>(command, ...args);
  assert.ok(outcome && 'done' in outcome, `${command} did not run over several files: ${JSON.stringify(outcome)}`);
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

  describe('on several files', () => {
    afterEach(async () => {
      await clearFaults();
    });

    it('reads every file of an Explorer selection into Markdown beside it, opening no editor, with one summary', async () => {
      const tag = uniqueTag();
      const folder = freshFolder('ocr-several');
      const names = ['alpha', 'beta', 'gamma'].map((stem) => `${stem}-${tag}`);
      const [a, b, c] = names.map((stem) => writeFile(folder, `${stem}.pdf`, pdfDocument([textPage([`Title ${stem}`])])));
      // The Explorer passes (clicked, selected[]); the one folder question's first choice (beside each file) is accepted.
      const outcome = await acceptQuickPicksUntilDone(runSeveral('mistral.runOcr', b, [a, b, c]));
      assert.deepEqual(outcome.done.map((done) => done.source), names.map((stem) => `${stem}.pdf`));
      assert.deepEqual(outcome.failed, []);
      assert.deepEqual(outcome.skipped, []);
      assert.equal(outcome.cancelled, false);
      for (const stem of names) {
        assert.match(fs.readFileSync(path.join(folder, `${stem}.md`), 'utf8'), new RegExp(`# Title ${stem}`));
        assert.equal((await remoteFilesNamed(`${stem}.pdf`))[0]?.purpose, 'ocr');
      }
      assert.equal(outcome.summary, `Saved the OCR of "${names[0]}.pdf", "${names[1]}.pdf" and "${names[2]}.pdf".`);
      assert.deepEqual(openTabs().filter((tab) => tab.kind !== 'other'), [], 'no editor or preview opened');
    });

    it('skips a file OCR does not read and says so, without uploading it', async () => {
      const tag = uniqueTag();
      const pdf = writeFile(dir, `minutes-${tag}.pdf`, pdfDocument([textPage(['Minutes', tag])]));
      const notes = writeFile(dir, `notes-${tag}.txt`, 'plain text');
      const out = freshFolder('ocr-skip');
      const outcome = await runSeveral('mistral.runOcr', pdf, [pdf, notes], { folder: out });
      assert.deepEqual(outcome.done.map((done) => done.markdown.fsPath), [path.join(out, `minutes-${tag}.md`)]);
      assert.deepEqual(outcome.skipped.map((skipped) => skipped.source), [`notes-${tag}.txt`]);
      assert.equal(outcome.summary, `Saved the OCR of "minutes-${tag}.pdf". Skipped, not a document or image: "notes-${tag}.txt".`);
      assert.deepEqual(await remoteFilesNamed(`notes-${tag}.txt`), []);
    });

    it('goes on after a file fails and reports the failure', async () => {
      const tag = uniqueTag();
      const out = freshFolder('ocr-fail');
      const [broken, first, second] = ['broken', 'first', 'second'].map((stem) => writeFile(dir, `${stem}-${tag}.pdf`, pdfDocument([textPage([stem, tag])])));
      // The files are read one after the other in selection order, so the next OCR request is the broken file's.
      await addFault({ method: 'POST', path: '^/v1/ocr$', status: 400, count: 1 });
      const outcome = await runSeveral('mistral.runOcr', broken, [broken, first, second], { folder: out });
      assert.deepEqual(outcome.failed.map((failed) => failed.source), [`broken-${tag}.pdf`]);
      assert.deepEqual(outcome.done.map((done) => path.basename(done.markdown.fsPath)), [`first-${tag}.md`, `second-${tag}.md`]);
      assert.deepEqual(fs.readdirSync(out).filter((name) => name.endsWith('.md')).sort(), [`first-${tag}.md`, `second-${tag}.md`]);
      assert.match(outcome.summary ?? '', new RegExp(`^Saved the OCR of "first-${tag}\\.pdf" and "second-${tag}\\.pdf"\\. Failed: "broken-${tag}\\.pdf": .+\\.$`));
    });

    it('never writes two results over each other or over an existing one: the later ones get numbers, and the summary says so', async () => {
      const tag = uniqueTag();
      const folder = freshFolder('ocr-names');
      const pdf = writeFile(folder, `scan-${tag}.pdf`, pdfDocument([textPage(['Scan', tag])]));
      const png = writeFile(folder, `scan-${tag}.png`, receiptPng());
      fs.writeFileSync(path.join(folder, `scan-${tag}.md`), 'my notes\n');
      const outcome = await runSeveral('mistral.runOcr', pdf, [pdf, png], { folder: 'beside', ifExists: 'keepBoth' });
      assert.deepEqual(outcome.done.map((done) => path.basename(done.markdown.fsPath)), [`scan-${tag} (1).md`, `scan-${tag} (2).md`]);
      assert.equal(fs.readFileSync(path.join(folder, `scan-${tag}.md`), 'utf8'), 'my notes\n');
      assert.match(outcome.summary ?? '', /Saved under a new name, the existing file kept: /);
    });

    it('transcribes a selection of recordings, skipping what is not one', async () => {
      const tag = uniqueTag();
      const out = freshFolder('transcripts-several');
      const one = writeFile(dir, `one-${tag}.wav`, toneWav());
      const two = writeFile(dir, `two-${tag}.wav`, toneWav());
      const pdf = writeFile(dir, `paper-${tag}.pdf`, reportPdf());
      const outcome = await runSeveral('mistral.transcribe', one, [one, two, pdf], { folder: out });
      assert.deepEqual(fs.readdirSync(out).sort(), [`one-${tag}.transcript.md`, `two-${tag}.transcript.md`]);
      assert.equal(outcome.summary, `Saved the transcripts of "one-${tag}.wav" and "two-${tag}.wav". Skipped, not a recording: "paper-${tag}.pdf".`);
    });

    it('reads a Files-view selection of remote files into one folder, skipping a file of another type', async () => {
      const tag = uniqueTag();
      const out = freshFolder('ocr-remote');
      const nodes = [
        fileNode(await seedRemoteFile(`remote-a-${tag}.pdf`, pdfDocument([textPage(['A', tag])]), 'ocr')),
        fileNode(await seedRemoteFile(`remote-b-${tag}.pdf`, pdfDocument([textPage(['B', tag])]), 'ocr')),
        fileNode(await seedRemoteFile(`lines-${tag}.jsonl`, '{}\n', 'batch')),
      ];
      // The Files view passes (clicked node, selected nodes[]) with the same node objects.
      const outcome = await runSeveral('mistral.runOcr', nodes[1], nodes, { folder: out });
      assert.deepEqual(fs.readdirSync(out).filter((name) => name.endsWith('.md')).sort(), [`remote-a-${tag}.md`, `remote-b-${tag}.md`]);
      assert.deepEqual(outcome.skipped.map((skipped) => skipped.source), [`lines-${tag}.jsonl`]);
    });
  });
});
