/** The emulator's synchronous POST /v1/ocr and POST /v1/audio/transcriptions: shapes, documents, limits and errors. */
import * as assert from 'node:assert/strict';
import { createSchemaValidator } from '../emulator/openapiSchemas';
import { figureJpeg } from '../emulator/pdfPages';
import { pdfDocument, receiptPng, reportPdf, textPage, toneWav } from '../emulator/seedContent';
import { call, multipart, startTestEmulator, TEST_API_KEY, upload, type ApiResponse, type MultipartPart, type TestEmulator } from '../emulator/testSupport';

const schemas = createSchemaValidator();

interface Page {
  index: number;
  markdown: string;
  images: { id: string; image_base64: string | null; top_left_x: number; bottom_right_x: number }[];
  dimensions: { dpi: number; width: number; height: number } | null;
  blocks: { type: string }[] | null;
}

describe('emulator: OCR and transcription routes', () => {
  let emulator: TestEmulator;
  let reportId: string;
  before(async () => {
    emulator = await startTestEmulator();
    reportId = (await upload(emulator.url, { filename: 'report.pdf', content: reportPdf(), purpose: 'ocr' })).json.id as string;
  });
  after(async () => { await emulator.dispose(); });

  const ocr = (body: unknown, raw?: string): Promise<ApiResponse> =>
    call(emulator.url, '/v1/ocr', { method: 'POST', body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const ok = (res: ApiResponse): { pages: Page[]; model: string; usage_info: { pages_processed: number; doc_size_bytes: number | null } } => {
    assert.equal(res.status, 200, res.body.toString());
    assert.deepEqual(schemas.check('OCRResponse', res.json), []);
    return res.json;
  };
  /** The FastAPI 422 body, checked against HTTPValidationError, as [type, loc] pairs. */
  const invalid = (res: ApiResponse): Array<[string, string]> => {
    assert.equal(res.status, 422, res.body.toString());
    assert.deepEqual(schemas.check('HTTPValidationError', res.json), []);
    return (res.json.detail as { type: string; loc: unknown[] }[]).map((issue) => [issue.type, issue.loc.join('.')]);
  };

  it('reads an uploaded PDF page by page: its text, an image placeholder, dimensions and usage', async () => {
    const result = ok(await ocr({ model: 'mistral-ocr-latest', document: { type: 'file', file_id: reportId } }));
    assert.equal(result.model, 'mistral-ocr-4-1');
    assert.deepEqual(result.usage_info, { pages_processed: 2, doc_size_bytes: reportPdf().length });
    assert.deepEqual(result.pages.map((page) => page.index), [0, 1]);
    const [first, second] = result.pages;
    assert.equal(first.markdown.split('\n\n')[0], '# Quarterly report Q3 2026');
    assert.ok(first.markdown.includes('Acme Workspace grew to 4,210 paying teams (+12% on Q2).'), first.markdown);
    assert.ok(second.markdown.startsWith('# Outlook\n\nQ4 focuses on the mobile apps'), second.markdown);
    assert.ok(first.markdown.endsWith('![img-0.jpeg](img-0.jpeg)'));
    assert.deepEqual(first.images.map((image) => [image.id, image.image_base64]), [['img-0.jpeg', null]]);
    assert.deepEqual(second.images.map((image) => image.id), ['img-1.jpeg']);
    // US Letter at 200 dpi, the figures the service reports.
    assert.deepEqual(first.dimensions, { dpi: 200, width: 1700, height: 2200 });
    assert.ok(first.images[0].top_left_x < first.images[0].bottom_right_x);
    assert.deepEqual(first.blocks?.map((block) => block.type), ['title', 'text', 'text', 'image']);
  });

  it('selects pages, embeds images on request, limits them, and leaves blocks out when asked', async () => {
    const one = ok(await ocr({ model: 'mistral-ocr-2512', document: { file_id: reportId }, pages: '1', include_image_base64: true, include_blocks: false }));
    assert.equal(one.model, 'mistral-ocr-2512');
    assert.deepEqual(one.pages.map((page) => page.index), [1]);
    assert.equal(one.pages[0].images[0].image_base64, `data:image/jpeg;base64,${figureJpeg().toString('base64')}`);
    assert.deepEqual(one.pages[0].blocks, []);
    assert.equal(one.usage_info.pages_processed, 1);
    const noImages = ok(await ocr({ model: 'mistral-ocr-latest', document: { file_id: reportId }, pages: [0, 1, 7], image_limit: 1 }));
    assert.deepEqual(noImages.pages.map((page) => page.images.length), [1, 0]);
    assert.ok(!noImages.pages[1].markdown.includes('!['));
  });

  it('takes signed URLs of its own files, data URIs and images; an outside URL gets hash-derived pages', async () => {
    const signed = (await call(emulator.url, `/v1/files/${reportId}/url`)).json.url as string;
    assert.equal(ok(await ocr({ model: 'mistral-ocr-latest', document: { type: 'document_url', document_url: signed } })).pages.length, 2);
    const dataUri = `data:application/pdf;base64,${pdfDocument([textPage(['Inline'])]).toString('base64')}`;
    const inline = ok(await ocr({ model: 'mistral-ocr-latest', document: { document_url: dataUri, document_name: 'inline.pdf' } }));
    assert.ok(inline.pages[0].markdown.startsWith('# Inline'));
    const image = ok(await ocr({ model: 'mistral-ocr-latest', document: { type: 'image_url', image_url: { url: `data:image/png;base64,${receiptPng().toString('base64')}` } } }));
    assert.deepEqual([image.pages.length, image.pages[0].dimensions], [1, { dpi: 200, width: 48, height: 32 }]);
    const outside = ok(await ocr({ model: 'mistral-ocr-latest', document: { document_url: 'https://example.com/paper.pdf' } }));
    assert.ok(outside.pages.length >= 1 && outside.pages.length <= 4);
    assert.equal(outside.usage_info.doc_size_bytes, null);
  });

  it('answers 422 HTTPValidationError for every request the schema refuses', async () => {
    assert.deepEqual(invalid(await ocr({ document: { file_id: reportId } })), [['missing', 'body.model']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { file_id: reportId }, id: 'old' })), [['extra_forbidden', 'body.id']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { file_id: 'not-a-uuid' } })), [['uuid_parsing', 'body.document.file.file_id']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { file_id: reportId, purpose: 'ocr' } })), [['extra_forbidden', 'body.document.file.purpose']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { type: 'video', url: 'x' } })), [['union_tag_invalid', 'body.document']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { document_url: 'http://example.com/a.pdf' } })), [['value_error', 'body']]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { file_id: reportId }, include_image_base64: 'yes', image_limit: -1, table_format: 'latex' })), [
      ['bool_type', 'body.include_image_base64'], ['greater_than_equal', 'body.image_limit'], ['literal_error', 'body.table_format'],
    ]);
    assert.deepEqual(invalid(await ocr({ model: 'm', document: { file_id: reportId }, pages: 'all' })), [['value_error', 'body.pages']]);
    assert.deepEqual(invalid(await ocr(undefined, '{"model":')), [['json_invalid', 'body.9']]);
    assert.deepEqual(invalid(await ocr([1])), [['model_attributes_type', 'body']]);
    const wrongMethod = await call(emulator.url, '/v1/ocr');
    assert.equal(wrongMethod.status, 405);
  });

  it('refuses what it cannot read: a missing file (404), a broken PDF, over 1,000 pages, over 50 MB', async () => {
    const gone = await ocr({ model: 'm', document: { file_id: '0b8e6a02-5f3c-4a5e-9d7e-000000000000' } });
    assert.equal(gone.status, 404);
    assert.match(gone.json.message, /not found/);
    const broken = (await upload(emulator.url, { filename: 'broken.pdf', content: '%PDF-1.4\n%%EOF\n', purpose: 'ocr' })).json.id as string;
    const unreadable = await ocr({ model: 'm', document: { file_id: broken } });
    assert.deepEqual([unreadable.status, unreadable.json.object, unreadable.json.code], [400, 'error', 'document_unreadable']);
    const thick = pdfDocument(Array.from({ length: 1001 }, () => 'BT ET'));
    const thickId = (await upload(emulator.url, { filename: 'thick.pdf', content: thick, purpose: 'ocr' })).json.id as string;
    const tooMany = await ocr({ model: 'm', document: { file_id: thickId } });
    assert.deepEqual([tooMany.status, tooMany.json.code], [400, 'too_many_pages']);
    assert.match(tooMany.json.message, /1001 pages; documents must contain 1000 pages or fewer/);
    const thousand = pdfDocument(Array.from({ length: 1000 }, () => 'BT ET'));
    const thousandId = (await upload(emulator.url, { filename: 'thousand.pdf', content: thousand, purpose: 'ocr' })).json.id as string;
    assert.equal(ok(await ocr({ model: 'm', document: { file_id: thousandId }, pages: '999' })).pages[0].index, 999);
    const huge = (await upload(emulator.url, { filename: 'huge.png', content: Buffer.alloc(50 * 1024 * 1024 + 1), purpose: 'ocr' })).json.id as string;
    const tooLarge = await ocr({ model: 'm', document: { file_id: huge } });
    assert.deepEqual([tooLarge.status, tooLarge.json.code], [400, 'document_too_large']);
  });

  it('refuses an OCR upload of a type it cannot read with the allow-list, as the service does', async () => {
    for (const filename of ['archive.zip', 'sheet.xlsx', 'talk.mp3', 'data.jsonl']) {
      const res = await upload(emulator.url, { filename, content: 'x', purpose: 'ocr' });
      assert.equal(res.status, 422, filename);
      assert.equal(res.json.detail, 'Invalid file format.');
      assert.match(res.json.message, /^Received file with mimetype \S+, only application\/pdf, image\/\.\*, /);
    }
    for (const filename of ['scan.tiff', 'notes.txt', 'slides.pptx', 'unknown.bin']) {
      assert.equal((await upload(emulator.url, { filename, content: 'x', purpose: 'ocr' })).status, 200, filename);
    }
  });

  describe('POST /v1/audio/transcriptions', () => {
    let wavId: string;
    before(async () => {
      wavId = (await upload(emulator.url, { filename: 'standup.wav', content: toneWav(), purpose: 'audio' })).json.id as string;
    });
    const transcribe = (parts: MultipartPart[]): Promise<ApiResponse> => {
      const form = multipart(parts);
      return call(emulator.url, '/v1/audio/transcriptions', { method: 'POST', body: form.body, headers: { 'content-type': form.contentType } });
    };

    it('transcribes an uploaded file (file_id) or one sent in the form, with segments on request', async () => {
      const byId = await transcribe([{ name: 'model', value: 'voxtral-mini-latest' }, { name: 'file_id', value: wavId }]);
      assert.equal(byId.status, 200, byId.body.toString());
      assert.deepEqual(schemas.check('TranscriptionResponse', byId.json), []);
      assert.deepEqual([byId.json.model, byId.json.language, byId.json.segments, byId.json.usage.prompt_audio_seconds], ['voxtral-mini-latest', 'en', [], 1]);
      assert.match(byId.json.text, /standup\.wav/);

      const seconds = 7;
      const wav = Buffer.alloc(44 + 16000 * seconds);
      wav.write('RIFF', 0, 'latin1');
      wav.write('WAVE', 8, 'latin1');
      wav.writeUInt32LE(16000, 28);
      const inline = await transcribe([
        { name: 'model', value: 'voxtral-mini-latest' }, { name: 'language', value: 'fr' },
        { name: 'timestamp_granularities', value: 'segment' }, { name: 'diarize', value: 'true' },
        { name: 'file', filename: 'memo.wav', content: wav },
      ]);
      assert.equal(inline.status, 200, inline.body.toString());
      assert.deepEqual(schemas.check('TranscriptionResponse', inline.json), []);
      assert.equal(inline.json.language, 'fr');
      assert.deepEqual(inline.json.segments.map((s: { start: number; end: number; speaker_id: string }) => [s.start, s.end, s.speaker_id]), [[0, seconds, 'speaker_1']]);
    });

    it('answers 422 for a missing model, no or two sources, a bad language and unknown granularities; 404 for a missing file', async () => {
      const issues = async (parts: MultipartPart[]): Promise<Array<[string, string]>> => {
        const res = await transcribe(parts);
        assert.equal(res.status, 422, res.body.toString());
        assert.deepEqual(schemas.check('HTTPValidationError', res.json), []);
        return (res.json.detail as { type: string; loc: unknown[] }[]).map((issue) => [issue.type, issue.loc.join('.')]);
      };
      assert.deepEqual(await issues([{ name: 'file_id', value: wavId }]), [['missing', 'body.model']]);
      assert.deepEqual(await issues([{ name: 'model', value: 'v' }]), [['value_error', 'body']]);
      assert.deepEqual(await issues([{ name: 'model', value: 'v' }, { name: 'file_id', value: wavId }, { name: 'file_url', value: 'https://example.com/a.mp3' }]), [['value_error', 'body']]);
      assert.deepEqual(await issues([{ name: 'model', value: 'v' }, { name: 'file_id', value: wavId }, { name: 'language', value: 'french' }]), [['string_pattern_mismatch', 'body.language']]);
      assert.deepEqual(await issues([{ name: 'model', value: 'v' }, { name: 'file_id', value: wavId }, { name: 'timestamp_granularities', value: 'sentence' }]), [['enum', 'body.timestamp_granularities.0']]);
      assert.deepEqual(await issues([{ name: 'model', value: 'v' }, { name: 'file_id', value: wavId }, { name: 'stream', value: 'true' }]), [['literal_error', 'body.stream']]);
      const json = await call(emulator.url, '/v1/audio/transcriptions', { method: 'POST', body: JSON.stringify({ model: 'v', file_id: wavId }), headers: { 'content-type': 'application/json' } });
      assert.equal(json.status, 422);
      const gone = await transcribe([{ name: 'model', value: 'v' }, { name: 'file_id', value: '0b8e6a02-5f3c-4a5e-9d7e-000000000000' }]);
      assert.equal(gone.status, 404);
    });
  });

  it('draws faults and asks for the key like every other route', async () => {
    emulator.faults.add({ path: '^/v1/ocr$', status: 503, retryAfterSeconds: 2 });
    const faulted = await ocr({ model: 'm', document: { file_id: reportId } });
    assert.deepEqual([faulted.status, faulted.headers['retry-after']], [503, '2']);
    const anonymous = await call(emulator.url, '/v1/ocr', { method: 'POST', body: '{}', apiKey: null });
    assert.equal(anonymous.status, 401);
  });

  it('is called by the official SDK (@mistralai/mistralai), which parses the answers', async () => {
    // The SDK is ESM-only; this file compiles to CommonJS, where import() stays a real dynamic import.
    const { Mistral } = await import('@mistralai/mistralai');
    const client = new Mistral({ apiKey: TEST_API_KEY, serverURL: emulator.url });
    const result = await client.ocr.process({ model: 'mistral-ocr-latest', document: { type: 'file', fileId: reportId }, includeImageBase64: true });
    assert.equal(result.pages.length, 2);
    assert.equal(result.usageInfo.pagesProcessed, 2);
    assert.equal(result.pages[0].images[0].imageBase64?.startsWith('data:image/jpeg;base64,'), true);
    assert.deepEqual(result.pages[0].dimensions, { dpi: 200, height: 2200, width: 1700 });
    const transcript = await client.audio.transcriptions.complete({ model: 'voxtral-mini-latest', fileId: (await upload(emulator.url, { filename: 'sdk.wav', content: toneWav(), purpose: 'audio' })).json.id as string });
    assert.match(transcript.text, /sdk\.wav/);
    assert.equal(transcript.usage.promptAudioSeconds, 1);
  });
});
