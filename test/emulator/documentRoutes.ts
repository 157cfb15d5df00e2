/**
 * The synchronous document routes: `POST /v1/ocr` (JSON OCRRequest) and `POST /v1/audio/transcriptions` (multipart
 * AudioTranscriptionRequest). The answers come from the same deterministic models the batch engine runs
 * (batch/documentModels.ts); here a request failure is an HTTP status, not an error line.
 */
import Busboy from '@fastify/busboy';
import { randomUUID } from 'node:crypto';
import { HttpError, methodNotAllowed, parseBooleanField, validationError, type ValidationIssue } from './errors';
import { mimetypeForFilename } from './fileTypes';
import { discardRequestBody, sendJson, type RequestContext } from './http';
import { ocr, transcription, type AttachedAudio } from './batch/documentModels';
import { isObject, storeFiles, type Body, type ModelContext, type Outcome } from './batch/modelSupport';
import type { FileStore } from './store';

export const OCR_PATH = '/v1/ocr';
export const TRANSCRIPTION_PATH = '/v1/audio/transcriptions';
/** A 50 MB document as a base64 data URI, plus the rest of the request. */
const MAX_OCR_BODY = 70 * 1024 * 1024;
/** Audio sent inline is held in memory; the service takes hours of audio, the emulator a few minutes' worth. */
const MAX_AUDIO_BYTES = 100 * 1024 * 1024;
const DEFAULT_OCR_MODEL = 'mistral-ocr-latest';

export const isDocumentPath = (pathname: string): boolean => pathname === OCR_PATH || pathname === TRANSCRIPTION_PATH;

export async function routeDocumentsApi(ctx: RequestContext, store: FileStore): Promise<void> {
  if (ctx.req.method !== 'POST') throw methodNotAllowed(['POST']);
  const context = (model: string): ModelContext => ({
    model,
    agentId: null,
    created: Math.floor(Date.now() / 1000),
    seed: randomUUID(),
    files: storeFiles(store),
  });
  if (ctx.url.pathname === OCR_PATH) {
    const body = await readJsonBody(ctx, MAX_OCR_BODY);
    const issues: ValidationIssue[] = [];
    if (!('model' in body)) issues.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body });
    else if (body.model !== null && typeof body.model !== 'string') issues.push({ type: 'string_type', loc: ['body', 'model'], msg: 'Input should be a valid string', input: body.model });
    const outcome = await ocr(body, context(typeof body.model === 'string' ? body.model : DEFAULT_OCR_MODEL));
    return answer(ctx, outcome, issues);
  }
  const form = await readTranscriptionForm(ctx);
  const outcome = await transcription(form.body, context(typeof form.body.model === 'string' ? form.body.model : ''), form.attached);
  if (outcome.ok) {
    // TranscriptionResponse is closed (additionalProperties: false): `finish_reason` only appears in batch outputs.
    const { finish_reason: _batchOnly, ...declared } = outcome.body as Record<string, unknown>;
    return answer(ctx, { ok: true, body: declared }, form.issues);
  }
  return answer(ctx, outcome, form.issues);
}

/**
 * 200 with the model's body; 422 as FastAPI's HTTPValidationError (`{"detail": [...]}`), the route's own issues
 * first; any other refusal with Mistral's `object: "error"` body.
 */
function answer(ctx: RequestContext, outcome: Outcome, routeIssues: ValidationIssue[]): void {
  const modelIssues = !outcome.ok && outcome.status === 422 ? (outcome.body as { message: { detail: ValidationIssue[] } }).message.detail : [];
  if (routeIssues.length > 0 || modelIssues.length > 0) throw validationError([...routeIssues, ...modelIssues]);
  if (outcome.ok) return sendJson(ctx, 200, outcome.body);
  throw new HttpError(outcome.status, outcome.body);
}

async function readJsonBody(ctx: RequestContext, limit: number): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      ctx.res.setHeader('connection', 'close');
      throw new HttpError(413, { detail: 'Request body too large' });
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // pydantic reports the offset where decoding stopped: the end of the text when it ran out.
    const message = (err as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/.test(message) ? text.length : 0));
    throw validationError([{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
  }
  if (!isObject(value)) {
    throw validationError([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: value }]);
  }
  return value;
}

interface TranscriptionForm {
  body: Body;
  attached: AttachedAudio | undefined;
  /** Form-level problems (types of form strings), reported before the model's own. */
  issues: ValidationIssue[];
}

const GRANULARITIES = ['segment', 'word'];

/** Form fields as pydantic reads them: strings coerced to the declared types, arrays from repeated fields. */
async function readTranscriptionForm(ctx: RequestContext): Promise<TranscriptionForm> {
  const { req } = ctx;
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType) && !/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    discardRequestBody(req);
    throw validationError([{ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: null }]);
  }
  const fields = new Map<string, string[]>();
  let attached: AttachedAudio | undefined;
  await new Promise<void>((resolve, reject) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({ headers: { ...req.headers, 'content-type': contentType }, limits: { fileSize: MAX_AUDIO_BYTES, fieldSize: 1024 * 1024 } });
    } catch {
      reject(new HttpError(400, { detail: 'There was an error parsing the body' }));
      return;
    }
    busboy.on('file', (name, stream, filename) => {
      if (name !== 'file' || attached) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      const current: AttachedAudio = { filename, content: Buffer.alloc(0), mimetype: mimetypeForFilename(filename) };
      attached = current;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => reject(new HttpError(413, { detail: 'Audio file too large for the emulator' })));
      stream.on('end', () => {
        current.content = Buffer.concat(chunks);
      });
    });
    busboy.on('field', (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    busboy.on('finish', () => resolve());
    busboy.on('error', () => reject(new HttpError(400, { detail: 'There was an error parsing the body' })));
    req.pipe(busboy);
  });

  const issues: ValidationIssue[] = [];
  const body: Body = {};
  // An empty form value is absent, as FastAPI treats optional form fields.
  const last = (name: string): string | undefined => {
    const values = fields.get(name);
    const value = values?.[values.length - 1];
    return value === undefined || value === '' ? undefined : value;
  };
  const model = last('model');
  if (model === undefined) issues.push({ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: null });
  else body.model = model;
  for (const name of ['file_url', 'file_id', 'language']) {
    const value = last(name);
    if (value !== undefined) body[name] = value;
  }
  const fileUrl = last('file_url');
  if (fileUrl !== undefined && (fileUrl.length > 2083 || !URL.canParse(fileUrl))) {
    issues.push({ type: 'url_parsing', loc: ['body', 'file_url'], msg: 'Input should be a valid URL', input: fileUrl });
    delete body.file_url;
  }
  const temperature = last('temperature');
  if (temperature !== undefined) {
    if (!Number.isFinite(Number(temperature))) issues.push({ type: 'float_parsing', loc: ['body', 'temperature'], msg: 'Input should be a valid number, unable to parse string as a number', input: temperature });
    else body.temperature = Number(temperature);
  }
  for (const name of ['stream', 'diarize']) {
    const raw = last(name);
    if (raw === undefined) continue;
    const parsed = parseBooleanField(['body', name], raw);
    if (typeof parsed === 'boolean') body[name] = parsed;
    else issues.push(parsed);
  }
  const bias = fields.get('context_bias') ?? [];
  bias.forEach((word, index) => {
    if (!/^[^,\s]+$/.test(word)) issues.push({ type: 'string_pattern_mismatch', loc: ['body', 'context_bias', index], msg: "String should match pattern '^[^,\\s]+$'", input: word, ctx: { pattern: '^[^,\\s]+$' } });
  });
  const granularities = fields.get('timestamp_granularities') ?? [];
  granularities.forEach((value, index) => {
    if (!GRANULARITIES.includes(value)) issues.push({ type: 'enum', loc: ['body', 'timestamp_granularities', index], msg: "Input should be 'segment' or 'word'", input: value, ctx: { expected: "'segment' or 'word'" } });
  });
  if (granularities.length > 0) body.timestamp_granularities = granularities;
  return { body, attached, issues };
}
