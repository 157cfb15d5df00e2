/** The emulated model behind each batch endpoint: deterministic answers in each endpoint's response shape. */
import * as assert from 'node:assert/strict';
import { createSchemaValidator } from '../emulator/openapiSchemas';
import { pdfDocument, textPage } from '../emulator/seedContent';
import { call, startTestEmulator, upload, type TestEmulator } from '../emulator/testSupport';
import { createBatchJob, FAST_BATCH_RATE, waitForBatchJob, type BatchLine, type ResultLine } from '../emulator/batch/testSupport';

const schemas = createSchemaValidator();

describe('emulator: batch endpoints', () => {
  let emulator: TestEmulator;
  before(async () => { emulator = await startTestEmulator({ batchRate: FAST_BATCH_RATE }); });
  after(async () => { await emulator.dispose(); });

  /** Runs one inline job and returns its result lines keyed by custom_id. */
  async function run(endpoint: string, model: string, requests: BatchLine[]): Promise<Map<string, ResultLine>> {
    const created = await createBatchJob(emulator.url, { endpoint, model, requests });
    assert.equal(created.status, 200, created.body.toString());
    const job = await waitForBatchJob(emulator.url, created.json.id, { inline: true });
    assert.equal(job.status, 'SUCCESS');
    assert.equal(job.outputs?.length, requests.length);
    return new Map((job.outputs as unknown as ResultLine[]).map((line) => [String(line.custom_id), line]));
  }
  const body = (line: ResultLine | undefined): Record<string, unknown> => {
    assert.equal(line?.response?.status_code, 200, JSON.stringify(line));
    return line?.response?.body as Record<string, unknown>;
  };

  it('embeddings: unit vectors of 1024 (or output_dimension) that depend only on the text', async () => {
    const lines = await run('/v1/embeddings', 'mistral-embed', [
      { custom_id: 'a', body: { input: ['same text', 'other text'] } },
      { custom_id: 'b', body: { input: 'same text' } },
      { custom_id: 'c', body: { input: 'short', output_dimension: 8 } },
      { custom_id: 'bad', body: { input: [] } },
    ]);
    const data = (id: string): { embedding: number[]; index: number }[] => body(lines.get(id)).data as { embedding: number[]; index: number }[];
    const [same, other] = data('a');
    assert.equal(same.embedding.length, 1024);
    assert.deepEqual(same.embedding, data('b')[0].embedding);
    assert.notDeepEqual(same.embedding, other.embedding);
    assert.deepEqual(data('a').map((d) => d.index), [0, 1]);
    assert.ok(Math.abs(Math.hypot(...same.embedding) - 1) < 1e-3);
    assert.equal(data('c')[0].embedding.length, 8);
    assert.equal(lines.get('bad')?.response?.status_code, 422);
    const usage = body(lines.get('b')).usage as Record<string, unknown>;
    assert.deepEqual(Object.keys(usage), ['prompt_tokens', 'completion_tokens', 'total_tokens', 'prompt_audio_seconds', 'prompt_token_details', 'request_count']);
  });

  it('moderations, classifications and FIM answer their shapes; max_tokens cuts a chat reply with finish_reason length', async () => {
    const moderation = await run('/v1/moderations', 'mistral-moderation-latest', [{ custom_id: 'm', body: { input: ['hello there', 'I will kill the process'] } }]);
    const results = body(moderation.get('m')).results as { categories: Record<string, boolean>; category_scores: Record<string, number> }[];
    assert.equal(results.length, 2);
    assert.equal(results[0].categories.violence_and_threats, false);
    assert.equal(results[1].categories.violence_and_threats, true);
    assert.equal(Object.keys(results[0].category_scores).length, 9);

    const chatModeration = await run('/v1/chat/moderations', 'mistral-moderation-latest', [{ custom_id: 'cm', body: { input: [[{ role: 'user', content: 'hi' }], [{ role: 'user', content: 'attack' }]] } }]);
    assert.equal((body(chatModeration.get('cm')).results as unknown[]).length, 2);

    const classification = await run('/v1/chat/classifications', 'ft:classifier', [{ custom_id: 'c', body: { input: { messages: [{ role: 'user', content: 'great' }] } } }]);
    const scores = ((body(classification.get('c')).results as Record<string, { scores: Record<string, number> }>[])[0].sentiment.scores);
    assert.ok(Math.abs(Object.values(scores).reduce((a, b) => a + b, 0) - 1) < 1e-5);

    const fim = await run('/v1/fim/completions', 'codestral-latest', [{ custom_id: 'f', body: { prompt: 'def add(a, b):\n    ', suffix: 'return c' } }]);
    const fimBody = body(fim.get('f')) as { choices: { message: { content: string } }[] };
    assert.match(fimBody.choices[0].message.content, /def add\(a, b\):.*return c/);

    const chat = await run('/v1/chat/completions', 'mistral-small-latest', [
      { custom_id: 'long', body: { max_tokens: 3, messages: [{ role: 'user', content: 'tell me a long story' }] } },
      { custom_id: 'json', body: { response_format: { type: 'json_object' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] } },
      { custom_id: 'stream', body: { stream: true, messages: [{ role: 'user', content: 'x' }] } },
    ]);
    const long = body(chat.get('long')) as { choices: { finish_reason: string; message: { content: string } }[]; usage: { completion_tokens: number } };
    assert.deepEqual([long.choices[0].finish_reason, long.choices[0].message.content, long.usage.completion_tokens], ['length', 'Emulated reply to', 3]);
    const json = body(chat.get('json')) as { choices: { message: { content: string } }[] };
    assert.deepEqual(JSON.parse(json.choices[0].message.content), { answer: 'Emulated reply to: hi' });
    assert.equal(chat.get('stream')?.response?.status_code, 400);
  });

  it('OCR: pages from the uploaded PDF, a type-less document, OCRResponse shape; bad documents are error lines', async () => {
    const twoPages = pdfDocument([textPage(['First page']), textPage(['Second page'])]);
    const pdf = (await upload(emulator.url, { filename: 'two.pdf', content: twoPages, purpose: 'ocr' })).json;
    const signed = (await call(emulator.url, `/v1/files/${pdf.id}/url`)).json.url as string;
    const lines = await run('/v1/ocr', 'mistral-ocr-latest', [
      { custom_id: 'file', body: { document: { type: 'file', file_id: pdf.id } } },
      { custom_id: 'bare', body: { document: { file_id: pdf.id }, pages: '1' } },
      { custom_id: 'signed', body: { document: { document_url: signed }, include_blocks: false } },
      { custom_id: 'image', body: { document: { image_url: 'data:image/png;base64,iVBORw0KGgo=' } } },
      { custom_id: 'http', body: { document: { document_url: 'http://example.com/a.pdf' } } },
      { custom_id: 'extra', body: { document: { file_id: pdf.id }, id: 'old-field' } },
      { custom_id: 'gone', body: { document: { file_id: '0b8e6a02-5f3c-4a5e-9d7e-000000000000' } } },
    ]);
    for (const id of ['file', 'bare', 'signed', 'image']) assert.deepEqual(schemas.check('OCRResponse', body(lines.get(id))), [], id);
    const pages = (id: string): { index: number }[] => body(lines.get(id)).pages as { index: number }[];
    assert.deepEqual(pages('file').map((p) => p.index), [0, 1]);
    assert.deepEqual(pages('bare').map((p) => p.index), [1]);
    assert.equal(pages('signed').length, 2);
    assert.equal(pages('image').length, 1);
    assert.equal(body(lines.get('file')).model, 'mistral-ocr-4-1');
    assert.deepEqual(body(lines.get('file')).usage_info, { pages_processed: 2, doc_size_bytes: twoPages.length });
    assert.deepEqual(['http', 'extra', 'gone'].map((id) => lines.get(id)?.response?.status_code), [422, 422, 404]);
  });

  it('transcription: file_id or file_url, TranscriptionResponse fields plus the finish_reason the service adds', async () => {
    const wav = Buffer.alloc(44 + 32000 * 3);
    wav.write('RIFF', 0, 'latin1');
    wav.write('WAVE', 8, 'latin1');
    wav.writeUInt32LE(32000, 28);
    const audio = (await upload(emulator.url, { filename: 'note.wav', content: wav, purpose: 'audio' })).json;
    const lines = await run('/v1/audio/transcriptions', 'voxtral-mini-latest', [
      { custom_id: 'id', body: { file_id: audio.id, language: 'fr', timestamp_granularities: ['segment'] } },
      { custom_id: 'url', body: { file_url: 'https://docs.mistral.ai/audio/obama.mp3' } },
      { custom_id: 'none', body: {} },
    ]);
    const fromId = body(lines.get('id'));
    assert.equal(fromId.finish_reason, null);
    const { finish_reason: _ignored, ...declared } = fromId;
    assert.deepEqual(schemas.check('TranscriptionResponse', declared), []);
    assert.deepEqual([fromId.language, (fromId.usage as { prompt_audio_seconds: number }).prompt_audio_seconds, (fromId.segments as unknown[]).length], ['fr', 3, 1]);
    const fromUrl = body(lines.get('url'));
    assert.equal(fromUrl.language, 'en');
    assert.equal(lines.get('none')?.response?.status_code, 422);
  });
});
