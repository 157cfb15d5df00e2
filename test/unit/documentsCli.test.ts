/** `mistral-files ocr`, `transcribe` and the per-purpose upload checks, in-process against the emulator. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { figureJpeg } from '../emulator/pdfPages';
import { pdfDocument, reportPdf, toneWav } from '../emulator/seedContent';
import { runCliIn, startHarness, TEST_KEY, writeFile, type CliRun, type Harness } from './clientSupport/fixture';

describe('CLI ocr, transcribe and upload checks (emulator)', function () {
  this.timeout(60_000);
  let h: Harness;
  const outputs: string[] = [];

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });
  after(() => {
    assert.ok(!outputs.some((text) => text.includes(TEST_KEY)), 'the API key never appears in any output');
  });

  const cli = (args: string[]): Promise<CliRun> => runCliIn(h, args, outputs);
  const remoteNames = async (): Promise<string[]> => (await h.client().files.list()).data.map((file) => file.filename);

  it('ocr PATH uploads with purpose ocr, writes <name>.md with page markers and the images beside it', async () => {
    writeFile(h.workDir, 'report.pdf', reportPdf());
    const run = await cli(['ocr', 'report.pdf', '--images', '--out', 'notes']);
    assert.equal(run.code, 0, run.stderr);
    const dir = path.join(h.workDir, 'notes');
    assert.equal(run.stdout, `Read 2 pages of report.pdf (mistral-ocr-4-1): wrote ${path.join(dir, 'report.md')} and 2 images\n`);
    assert.match(run.stderr, /^Uploaded report\.pdf \(.+\) as [0-9a-f-]{36}\n$/);
    const [uploaded] = (await h.client().files.list({ purpose: 'ocr' })).data;
    assert.equal(uploaded.filename, 'report.pdf');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['report-img-0.jpeg', 'report-img-1.jpeg', 'report.md']);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'report-img-1.jpeg')), figureJpeg());
    const markdown = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    assert.ok(markdown.startsWith('<!-- page 1 (1 of 2) -->\n\n# Quarterly report Q3 2026\n\n'), markdown);
    assert.ok(markdown.includes('![img-0.jpeg](report-img-0.jpeg)\n\n---\n\n<!-- page 2 (2 of 2) -->\n\n# Outlook'), markdown);

    // A second run never replaces the Markdown without --force, and costs no upload.
    const again = await cli(['ocr', 'report.pdf', '--out', 'notes']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /report\.md already exists; pass --force/);
    assert.equal((await remoteNames()).length, 1);
  });

  it('ocr FILE_ID reads the uploaded file; --pages selects, --json describes, --force replaces', async () => {
    const id = (await h.client().files.upload(writeFile(h.workDir, 'source.pdf', reportPdf()), { purpose: 'ocr' })).id;
    fs.rmSync(path.join(h.workDir, 'source.pdf'));
    const run = await cli(['ocr', id, '--pages', '1', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { file_id: string; pages: number[]; markdown: string; images: string[] };
    assert.deepEqual([summary.file_id, summary.pages, summary.markdown, summary.images], [id, [1], path.join(h.workDir, 'source.md'), []]);
    // Without --images the placeholder stays as the service wrote it.
    assert.equal(fs.readFileSync(summary.markdown, 'utf8'), '<!-- page 2 -->\n\n# Outlook\n\nQ4 focuses on the mobile apps and audit-log streaming.\n\nHiring: 6 engineers, 2 designers.\n\n![img-1.jpeg](img-1.jpeg)\n');
    assert.equal((await cli(['ocr', id, '--pages', '0', '--force'])).code, 0);
    assert.match(fs.readFileSync(summary.markdown, 'utf8'), /^<!-- page 1 -->\n\n# Quarterly report/);
    const bad = await cli(['ocr', id, '--pages', 'last']);
    assert.deepEqual([bad.code, bad.stderr], [2, 'Error: --pages: Pages are numbers from 0 and ranges such as "0,2-4"; got "last"\n']);
    const nothing = await cli(['ocr', 'missing.pdf']);
    assert.deepEqual([nothing.code, nothing.stderr], [2, 'Error: missing.pdf: no such file, and not a file id\n']);
  });

  it('transcribe PATH uploads with purpose audio and prints the text, timed segments, or writes --out', async () => {
    writeFile(h.workDir, 'standup.wav', toneWav());
    const run = await cli(['transcribe', 'standup.wav']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Emulated transcript of standup.wav (1 s).\n');
    assert.equal((await h.client().files.list({ purpose: 'audio' })).data[0].filename, 'standup.wav');

    const id = (await h.client().files.list({ purpose: 'audio' })).data[0].id;
    const timed = await cli(['transcribe', id, '--timestamps', '--language', 'fr', '--out', 'standup.txt']);
    assert.equal(timed.code, 0, timed.stderr);
    assert.equal(timed.stdout, '');
    assert.equal(timed.stderr, `Transcribed standup.wav (fr): wrote ${path.join(h.workDir, 'standup.txt')}\n`);
    assert.equal(fs.readFileSync(path.join(h.workDir, 'standup.txt'), 'utf8'), '[00:00.0 → 00:01.0] Emulated transcript of standup.wav (1 s).\n');
    const clash = await cli(['transcribe', id, '--out', 'standup.txt']);
    assert.equal(clash.code, 2);
    const json = await cli(['transcribe', id, '--json']);
    assert.deepEqual(JSON.parse(json.stdout).usage, { prompt_audio_seconds: 1 });
    assert.equal((await cli(['transcribe', id, '--language', 'french'])).code, 2);
  });

  it('refuses a file its purpose does not take before a byte is sent, naming what the purpose accepts', async () => {
    writeFile(h.workDir, 'sheet.xlsx', 'not really a spreadsheet');
    const ocr = await cli(['ocr', 'sheet.xlsx']);
    assert.equal(ocr.code, 2);
    assert.equal(ocr.stderr, 'Error: "sheet.xlsx" cannot be uploaded for OCR: OCR takes PDF, PNG, JPG, JPEG, GIF, WEBP, AVIF, TIF, TIFF, BMP, HEIC, DOCX, PPTX files.\nNothing was uploaded.\n');
    writeFile(h.workDir, 'notes.pdf', reportPdf());
    const audio = await cli(['transcribe', 'notes.pdf']);
    assert.equal(audio.code, 2);
    assert.match(audio.stderr, /^Error: "notes\.pdf" cannot be uploaded for Audio: Audio takes MP3, WAV, M4A, OGG, OGA, OPUS, FLAC, AAC, WEBM, WMA files\.\n/);
    const upload = await cli(['upload', 'notes.pdf', '--purpose', 'fine-tune']);
    assert.equal(upload.code, 2);
    assert.match(upload.stderr, /cannot be uploaded for Fine-tune: Fine-tune takes JSONL files/);
    // The remote name is what the service judges.
    assert.equal((await cli(['upload', 'notes.pdf', '--purpose', 'ocr', '--name', 'notes.zip'])).code, 2);
    const thick = await cli(['upload', path.basename(writeFile(h.workDir, 'thick.pdf', pdfDocument(Array.from({ length: 1001 }, () => 'BT ET')))), '--purpose', 'ocr']);
    assert.deepEqual([thick.code, thick.stderr], [2, 'Error: "thick.pdf" has 1,001 pages; OCR takes documents of 1,000 pages or fewer.\nNothing was uploaded.\n']);
    fs.writeFileSync(path.join(h.workDir, 'huge.png'), '');
    fs.truncateSync(path.join(h.workDir, 'huge.png'), 50 * 1024 * 1024 + 1);
    const huge = await cli(['upload', 'huge.png', '--purpose', 'ocr']);
    assert.deepEqual([huge.code, huge.stderr], [2, 'Error: "huge.png" is 50.1 MB; OCR takes files of 50 MB or less.\nNothing was uploaded.\n']);
    assert.deepEqual(await remoteNames(), []);
  });

  it('uploads what it cannot place after a warning, and what the docs list but the service may refuse', async () => {
    writeFile(h.workDir, 'scan.bin', 'bytes');
    const unknown = await cli(['upload', 'scan.bin', '--purpose', 'ocr']);
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.match(unknown.stderr, /^Warning: "scan\.bin": \.bin is not a type Mistral lists for OCR \(PDF, PNG/);
    writeFile(h.workDir, 'notes.txt', 'plain text');
    const uncertain = await cli(['upload', 'notes.txt', '--purpose', 'ocr']);
    assert.equal(uncertain.code, 0, uncertain.stderr);
    assert.match(uncertain.stderr, /^Warning: "notes\.txt": Mistral's docs list \.txt files for OCR, but its upload check has refused them/);
    writeFile(h.workDir, 'train.jsonl', '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n');
    const fine = await cli(['upload', 'train.jsonl']);
    assert.deepEqual([fine.code, fine.stderr], [0, '']);
    assert.deepEqual((await remoteNames()).sort(), ['notes.txt', 'scan.bin', 'train.jsonl']);
  });
});
