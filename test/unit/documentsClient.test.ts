/** DocumentsClient (OCR, transcription) against the emulator, and the Markdown and transcript it becomes. */
import * as assert from 'node:assert/strict';
import { parsePageList } from '../../src/api/documents/documentsClient';
import { decodeDataUri, formatSeconds, ocrMarkdown, outputStem, planOcrOutput, selfContainedOcrMarkdown, transcriptMarkdown, transcriptText } from '../../src/api/documents/output';
import type { OcrResult, Transcription } from '../../src/api/documents/types';
import { figureJpeg } from '../emulator/pdfPages';
import { reportPdf, toneWav } from '../emulator/seedContent';
import { asApiError, RecordedSleep, rejectionOf, startHarness, writeFile, type Harness } from './clientSupport/fixture';

describe('documents client (emulator)', () => {
  let h: Harness;
  let reportId: string;
  let wavId: string;
  before(async () => {
    h = await startHarness();
    reportId = (await h.client().files.upload(writeFile(h.workDir, 'report.pdf', reportPdf()), { purpose: 'ocr' })).id;
    wavId = (await h.client().files.upload(writeFile(h.workDir, 'standup.wav', toneWav()), { purpose: 'audio' })).id;
  });
  after(async () => {
    await h.close();
  });

  it('reads an uploaded PDF by file id: pages, Markdown, images on request, the concrete model', async () => {
    const result = await h.client().documents.ocr(reportId, { includeImages: true });
    assert.equal(result.model, 'mistral-ocr-4-1');
    assert.deepEqual(result.pages.map((page) => page.index), [0, 1]);
    assert.match(result.pages[0].markdown, /^# Quarterly report Q3 2026/);
    assert.equal(result.pages[0].images[0].id, 'img-0.jpeg');
    assert.deepEqual(decodeDataUri(result.pages[0].images[0].image_base64 ?? '')?.bytes, figureJpeg());
    assert.deepEqual(result.pages[0].dimensions, { dpi: 200, height: 2200, width: 1700 });
    assert.deepEqual(result.usage_info, { pages_processed: 2, doc_size_bytes: reportPdf().length });

    const second = await h.client().documents.ocr(reportId, { pages: '1', model: 'mistral-ocr-2512' });
    assert.deepEqual([second.model, second.pages.map((page) => page.index), second.pages[0].images[0].image_base64], ['mistral-ocr-2512', [1], null]);
    assert.deepEqual((await h.client().documents.ocr(reportId, { pages: [0] })).pages.map((page) => page.index), [0]);
  });

  it('transcribes an uploaded recording by file id, with a language and timed segments on request', async () => {
    const plain = await h.client().documents.transcribe(wavId);
    assert.deepEqual([plain.model, plain.language, plain.segments, plain.usage.prompt_audio_seconds], ['voxtral-mini-latest', 'en', [], 1]);
    assert.match(plain.text, /standup\.wav/);
    const timed = await h.client().documents.transcribe(wavId, { language: 'FR', timestamps: true });
    assert.equal(timed.language, 'fr');
    assert.deepEqual(timed.segments.map((segment) => [segment.start, segment.end]), [[0, 1]]);
  });

  it('refuses bad input locally and maps the service\'s refusals to short messages', async () => {
    const client = h.client();
    assert.equal(asApiError(await rejectionOf(client.documents.ocr('  '))).message, 'No file id given');
    assert.match(asApiError(await rejectionOf(client.documents.transcribe(wavId, { language: 'english' }))).message, /two letters/);
    assert.match(asApiError(await rejectionOf(client.documents.ocr(reportId, { pages: '2-1' }))).message, /ends before it starts/);
    const missing = asApiError(await rejectionOf(client.documents.ocr('0b8e6a02-5f3c-4a5e-9d7e-000000000000')));
    assert.deepEqual([missing.status, missing.message], [404, 'File not found']);
    const malformed = asApiError(await rejectionOf(client.documents.ocr('not-a-uuid')));
    assert.equal(malformed.status, 422);
    assert.match(malformed.message, /^Mistral rejected the request \(422\): document\.file\.file_id: Input should be a valid UUID/);
    const notPdf = (await client.files.upload(writeFile(h.workDir, 'broken.pdf', '%PDF-1.4\n%%EOF\n'), { purpose: 'ocr' })).id;
    const unreadable = asApiError(await rejectionOf(client.documents.ocr(notPdf)));
    assert.deepEqual([unreadable.status, unreadable.apiMessage?.startsWith('Could not read the document as a PDF')], [400, true]);
  });

  it('tries again when the service turned the call away (503), never after a 500 that may have been billed', async () => {
    const sleep = new RecordedSleep();
    h.emulator.faults.add({ path: '^/v1/ocr$', status: 503 });
    const result = await h.client({}, { sleep: sleep.sleep }).documents.ocr(reportId);
    assert.equal(result.pages.length, 2);
    assert.equal(sleep.delays.length, 1);
    h.emulator.faults.add({ path: '^/v1/audio/transcriptions$', status: 500 });
    const failed = asApiError(await rejectionOf(h.client({}, { sleep: sleep.sleep }).documents.transcribe(wavId)));
    assert.equal(failed.status, 500);
    assert.equal(sleep.delays.length, 1);
  });
});

describe('documents output (pure)', () => {
  const image = (id: string, base64: string | null) => ({ id, top_left_x: 0, top_left_y: 0, bottom_right_x: 1, bottom_right_y: 1, image_base64: base64 });
  const png = `data:image/png;base64,${Buffer.from('png bytes').toString('base64')}`;
  const result: OcrResult = {
    model: 'mistral-ocr-4-1',
    usage_info: { pages_processed: 2, doc_size_bytes: 10 },
    pages: [
      { index: 0, markdown: '# Title\n\nText ![img-0.jpeg](img-0.jpeg)\n', images: [image('img-0.jpeg', png)], dimensions: null },
      { index: 3, markdown: 'Page four ![img-1.jpeg](img-1.jpeg) and ![kept](elsewhere.png)', images: [image('img-1.jpeg', null)], dimensions: null },
    ],
  };

  it('joins pages with page markers and points saved images at their files; unsaved ones stay as the service wrote them', () => {
    const plan = planOcrOutput(result, 'my report');
    assert.equal(plan.markdownName, 'my report.md');
    assert.deepEqual(plan.images.map((saved) => [saved.id, saved.fileName, saved.bytes.toString()]), [['img-0.jpeg', 'my report-img-0.png', 'png bytes']]);
    assert.equal(plan.markdown, [
      '<!-- page 1 (1 of 2) -->\n\n# Title\n\nText ![img-0.jpeg](<my report-img-0.png>)\n',
      '\n---\n\n',
      '<!-- page 4 (2 of 2) -->\n\nPage four ![img-1.jpeg](img-1.jpeg) and ![kept](elsewhere.png)\n',
    ].join(''));
  });

  it('never names an image after a file that is there already, and inlines images for a read-only view', () => {
    const taken = new Set(['r-img-0.png', 'r-img-0 (1).png']);
    const plan = planOcrOutput(result, 'r', (name) => taken.has(name));
    assert.deepEqual(plan.images.map((saved) => saved.fileName), ['r-img-0 (2).png']);
    assert.ok(plan.markdown.includes('](<r-img-0 (2).png>)'));
    assert.ok(selfContainedOcrMarkdown(result).includes(`![img-0.jpeg](${png})`));
    assert.equal(ocrMarkdown({ ...result, pages: [result.pages[1]] }, () => undefined), '<!-- page 4 -->\n\nPage four ![img-1.jpeg](img-1.jpeg) and ![kept](elsewhere.png)\n');
  });

  it('names outputs after the source, parses page lists, formats transcripts with and without segments', () => {
    assert.deepEqual([outputStem('scan.final.pdf'), outputStem('../x/CON.png'), outputStem('')], ['scan.final', 'x_CON', 'document']);
    assert.deepEqual(parsePageList('0,2-4, 3'), [0, 2, 3, 4]);
    assert.throws(() => parsePageList('first'), /Pages are numbers from 0/);
    assert.deepEqual([formatSeconds(0), formatSeconds(75.44), formatSeconds(3723)], ['00:00.0', '01:15.4', '1:02:03.0']);
    const transcription: Transcription = { model: 'voxtral-mini-2507', text: ' Hello there. ', language: 'en', segments: [], usage: { prompt_audio_seconds: 7 } };
    assert.equal(transcriptText(transcription), 'Hello there.\n');
    assert.equal(transcriptMarkdown(transcription, 'memo.wav'), '# memo.wav\n\n*language: en · length: 00:07.0 · model: voxtral-mini-2507*\n\nHello there.\n');
    const timed = { ...transcription, segments: [{ text: 'Hello', start: 0, end: 1.5, speaker_id: 'speaker_1' }, { text: 'there.', start: 1.5, end: 7, speaker_id: null }] };
    assert.equal(transcriptText(timed), '[00:00.0 → 00:01.5] speaker_1: Hello\n[00:01.5 → 00:07.0] there.\n');
    assert.ok(transcriptMarkdown(timed, 't').endsWith('- **00:00.0 → 00:01.5** (speaker_1) Hello\n- **00:01.5 → 00:07.0** there.\n'));
  });
});
