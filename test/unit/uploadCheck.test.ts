/** The per-purpose upload checks (src/purposes/uploadCheck.ts) and the menus built from the same table. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PURPOSES, plainL10n } from '../../src/purposes/purposes';
import { checkFileSize, checkFileType, checkUpload, pdfPageCount } from '../../src/purposes/uploadCheck';
import { pdfDocument, reportPdf } from '../emulator/seedContent';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('upload checks per purpose', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-check-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const level = (name: string, purpose: string): string => checkFileType(name, purpose, plainL10n)?.level ?? 'ok';

  it('accepts the types a purpose lists, refuses known other types, warns about what it cannot place', () => {
    assert.deepEqual(['scan.PDF', 'photo.jpeg', 'x.heic', 'deck.pptx', 'a.svg'].map((name) => level(name, 'ocr')), ['ok', 'ok', 'ok', 'ok', 'ok']);
    assert.deepEqual(['a.zip', 'sheet.xlsx', 'talk.mp3', 'data.jsonl', 'movie.mp4'].map((name) => level(name, 'ocr')), ['refuse', 'refuse', 'refuse', 'refuse', 'refuse']);
    assert.deepEqual(['notes.txt', 'paper.tex', 'blob.bin', 'README'].map((name) => level(name, 'ocr')), ['warn', 'warn', 'warn', 'warn']);
    assert.deepEqual(['talk.MP3', 'memo.opus', 'x.wav'].map((name) => level(name, 'audio')), ['ok', 'ok', 'ok']);
    assert.deepEqual(['scan.pdf', 'clip.mp4'].map((name) => level(name, 'audio')), ['refuse', 'refuse']);
    assert.deepEqual(['train.jsonl', 'train.json', 'train.csv', 'train.parquet'].map((name) => level(name, 'fine-tune')), ['ok', 'ok', 'refuse', 'refuse']);
    assert.equal(level('anything.zip', 'distillation'), 'ok', 'a purpose the table does not know is the service\'s to judge');
    assert.equal(
      checkFileType('/tmp/archive.zip', 'ocr', plainL10n)?.message,
      '"archive.zip" cannot be uploaded for OCR: OCR takes PDF, PNG, JPG, JPEG, GIF, WEBP, AVIF, TIF, TIFF, BMP, HEIC, DOCX, PPTX files.',
    );
  });

  it('holds OCR to 50 MB and 1,000 pages; other purposes to the Files API alone', async () => {
    const limit = 50 * 1024 * 1024;
    assert.equal(checkFileSize('a.pdf', limit, 'ocr', plainL10n), undefined);
    assert.equal(checkFileSize('a.pdf', limit + 1, 'ocr', plainL10n)?.level, 'refuse');
    assert.equal(checkFileSize('a.jsonl', 400 * 1024 * 1024, 'fine-tune', plainL10n), undefined);
    const thousand = path.join(dir, 'thousand.pdf');
    fs.writeFileSync(thousand, pdfDocument(Array.from({ length: 1000 }, () => 'BT ET')));
    assert.deepEqual(await checkUpload(thousand, fs.statSync(thousand).size, 'ocr', plainL10n), []);
    const more = path.join(dir, 'more.pdf');
    fs.writeFileSync(more, pdfDocument(Array.from({ length: 1001 }, () => 'BT ET')));
    assert.deepEqual(await checkUpload(more, fs.statSync(more).size, 'ocr', plainL10n), [
      { level: 'refuse', message: '"more.pdf" has 1,001 pages; OCR takes documents of 1,000 pages or fewer.' },
    ]);
    // The remote name is what the service judges.
    assert.equal((await checkUpload(more, 10, 'fine-tune', plainL10n, 'renamed.jsonl')).length, 0);
  });

  it('reads the page count a PDF declares, across read chunks, and gives up on compressed page trees', async () => {
    const report = path.join(dir, 'report.pdf');
    fs.writeFileSync(report, reportPdf());
    assert.equal(await pdfPageCount(report), 2);
    // The page tree after 3 MB of filler: found across chunk boundaries.
    const padded = path.join(dir, 'padded.pdf');
    fs.writeFileSync(padded, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(3 * 1024 * 1024 - 7, 0x20), Buffer.from('1 0 obj\n<< /Type /Pages /Kids [] /Count 1234 >>\nendobj\n')]));
    assert.equal(await pdfPageCount(padded), 1234);
    const compressed = path.join(dir, 'compressed.pdf');
    fs.writeFileSync(compressed, '%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /N 3 /First 20 /Filter /FlateDecode /Length 4 >>\nstream\nxxxx\nendstream\nendobj\n%%EOF\n');
    assert.equal(await pdfPageCount(compressed), undefined);
    assert.equal(await pdfPageCount(path.join(dir, 'missing.pdf')), undefined);
  });

  it('fills the placeholders of English texts for the CLI', () => {
    assert.equal(plainL10n.t('{0} of {1} ({0})', 'a', 2), 'a of 2 (a)');
    assert.equal(plainL10n.t('{name} is {n}', { name: 'x', n: 3 }), 'x is 3');
  });

  it('offers Run OCR and Transcribe in menus for exactly the extensions of the purposes table', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
    const regexOf = (menu: string, command: string): RegExp => {
      const when = manifest.contributes.menus[menu].find((item) => item.command === command)?.when ?? '';
      const match = /=~ \/(.+?)\/(i?)(?: |$)/.exec(when);
      assert.ok(match, `${menu} ${command}: no regex in "${when}"`);
      return new RegExp(match[1], match[2]);
    };
    const probe = ['pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'tif', 'tiff', 'bmp', 'heic', 'docx', 'pptx', 'mp3', 'wav', 'm4a', 'ogg', 'oga', 'opus', 'flac', 'aac', 'webm', 'wma', 'jsonl', 'zip', 'txt', 'xlsx', 'mp4'];
    for (const [command, purpose] of [['mistral.runOcr', 'ocr'], ['mistral.transcribe', 'audio']] as const) {
      const expected = [...PURPOSES[purpose].extensions].sort();
      const explorer = regexOf('explorer/context', command);
      const files = regexOf('view/item/context', command);
      assert.deepEqual(probe.filter((ext) => explorer.test(`.${ext}`) && explorer.test(`.${ext.toUpperCase()}`)).sort(), expected, `${command} in the Explorer`);
      assert.deepEqual(probe.filter((ext) => files.test(`mistralFile.${ext}`)).sort(), expected, `${command} in the Files view`);
    }
  });
});
