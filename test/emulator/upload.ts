/**
 * POST /v1/files: the multipart body is parsed by @fastify/busboy and the `file` part streamed to a temp
 * file in dataDir while its hash and lines are counted. Nothing is recorded unless the whole request arrived.
 */
import Busboy from '@fastify/busboy';
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  enumIssue, HttpError, missingIssue, parseIntegerField, tooLargeBody, validationError, type ValidationIssue,
} from './errors';
import { inferSampleType, isJsonlFilename, JsonlSniffer, mimetypeForFilename } from './fileTypes';
import { PURPOSES } from './listQuery';
import { ByteTripwire, discardRequestBody, type RequestContext } from './http';
import type { FileRecord, FileStore } from './store';

export const VISIBILITIES = ['workspace', 'user'] as const;
/** Multipart framing around the file part; a Content-Length beyond limit + this is refused before reading. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

interface ReceivedFile {
  filename: string;
  tempPath: string;
  bytes: number;
  sha256: string;
  sniffer: JsonlSniffer | undefined;
}

class ContentMeter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly sniffer: JsonlSniffer | undefined) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.sniffer?.update(chunk);
    callback(null, chunk);
  }
}

/** A body declared bigger than the limit plus multipart framing cannot hold an acceptable file. */
export function isOversizedUpload(req: IncomingMessage, maxUploadBytes: number): boolean {
  const declaredLength = Number(req.headers['content-length']);
  return req.method === 'POST' && /^\/v1\/files\/?(\?|$)/.test(req.url ?? '')
    && Number.isFinite(declaredLength) && declaredLength > maxUploadBytes + MULTIPART_OVERHEAD_BYTES;
}

export interface UploadResult {
  record: FileRecord;
  duplicate: boolean;
}

/** Resolves with the stored (or existing) file; rejects with HttpError; resolves undefined if the client went away. */
export async function receiveUpload(ctx: RequestContext, store: FileStore, maxUploadBytes: number): Promise<UploadResult | undefined> {
  const { req } = ctx;
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    discardRequestBody(req);
    throw validationError([missingIssue(['body', 'file'])]);
  }
  if (isOversizedUpload(req, maxUploadBytes)) {
    ctx.res.setHeader('connection', 'close');
    discardRequestBody(req);
    throw new HttpError(413, tooLargeBody(maxUploadBytes));
  }

  if (req.destroyed) return undefined;
  const fields = new Map<string, string>();
  const tempPaths: string[] = [];
  let received: ReceivedFile | undefined;
  let fileWrite: Promise<void> = Promise.resolve();
  let fileSentAsText: string | undefined;
  let tooLarge = false;
  let clientGone = false;
  let activeFileStream: NodeJS.ReadableStream & { destroy(error?: Error): void } | undefined;

  const cleanup = async (): Promise<void> => {
    await Promise.all(tempPaths.map((p) => fs.rm(p, { force: true })));
  };

  const parsed = new Promise<void>((resolve, reject) => {
    let busboy: ReturnType<typeof Busboy>;
    try {
      busboy = Busboy({ headers: { ...req.headers, 'content-type': contentType }, limits: { fileSize: maxUploadBytes, fieldSize: 1024 * 1024 }, fileHwm: 1024 * 1024 });
    } catch {
      reject(new HttpError(400, { detail: 'There was an error parsing the body' }));
      return;
    }
    busboy.on('file', (fieldName, stream, filename) => {
      if (fieldName !== 'file' || received) {
        stream.resume();
        return;
      }
      const tempPath = store.newTempPath();
      tempPaths.push(tempPath);
      const sniffer = isJsonlFilename(filename) ? new JsonlSniffer() : undefined;
      const meter = new ContentMeter(sniffer);
      const current: ReceivedFile = { filename, tempPath, bytes: 0, sha256: '', sniffer };
      received = current;
      activeFileStream = stream;
      stream.on('limit', () => {
        tooLarge = true;
      });
      fileWrite = pipeline(stream, meter, createWriteStream(tempPath, { highWaterMark: 1024 * 1024 })).then(() => {
        current.bytes = meter.bytes;
        current.sha256 = meter.hash.digest('hex');
      });
      // A failed write (disk full…) ends the request at once rather than waiting on a parser that may stall.
      fileWrite.catch(reject);
    });
    busboy.on('field', (fieldName, value) => {
      if (fieldName === 'file') fileSentAsText = value;
      else fields.set(fieldName, value);
    });
    busboy.on('finish', () => resolve());
    busboy.on('error', () => reject(new HttpError(400, { detail: 'There was an error parsing the body' })));

    req.on('close', () => {
      if (!req.complete) {
        clientGone = true;
        // Busboy does not end the part stream it handed out; without this the temp-file write never settles.
        activeFileStream?.destroy(new Error('client aborted the upload'));
        busboy.destroy();
        reject(new Error('client aborted the upload'));
      }
    });

    const cut = ctx.fault?.resetAfterBytes;
    if (cut !== undefined) {
      const tripwire = new ByteTripwire(cut, () => req.socket.destroy());
      req.pipe(tripwire).pipe(busboy);
    } else {
      req.pipe(busboy);
    }
  });

  try {
    await parsed;
    await fileWrite;
  } catch (err) {
    activeFileStream?.destroy(new Error('upload failed'));
    await fileWrite.catch(() => undefined);
    await cleanup();
    if (clientGone) return undefined;
    discardRequestBody(req);
    throw err;
  }
  if (clientGone) {
    await cleanup();
    return undefined;
  }

  try {
    if (tooLarge) throw new HttpError(413, tooLargeBody(maxUploadBytes));
    const options = validateFields(fields, received, fileSentAsText);
    const file = received as ReceivedFile;
    checkOcrFormat(options.purpose, mimetypeForFilename(file.filename));
    const existing = store.findDuplicate(file.sha256, file.filename, options.purpose);
    if (existing) return { record: existing, duplicate: true };
    const createdAt = Math.floor(Date.now() / 1000);
    const record = await store.add({
      bytes: file.bytes,
      created_at: createdAt,
      filename: file.filename,
      purpose: options.purpose,
      sample_type: inferSampleType(options.purpose, file.sniffer?.firstLine),
      source: 'upload',
      num_lines: file.sniffer ? file.sniffer.numLines : null,
      mimetype: mimetypeForFilename(file.filename),
      signature: file.sha256.slice(0, 16),
      expires_at: options.expiryHours === null ? null : createdAt + options.expiryHours * 3600,
      visibility: options.visibility,
      sha256: file.sha256,
    }, file.tempPath);
    return { record, duplicate: false };
  } finally {
    await cleanup();
  }
}

/**
 * What the OCR service reads, as its upload refusal lists it (`application/pdf, image/.*, …wordprocessingml.document, …`)
 * plus the other text formats its FAQ names. Types the emulator cannot tell (no known extension) are let through.
 */
const OCR_MIMETYPES = [
  /^application\/pdf$/, /^image\//,
  /^application\/vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|presentationml\.presentation)$/,
  /^application\/(msword|vnd\.ms-powerpoint|epub\+zip|xml)$/, /^text\/(plain|csv|markdown|html)$/,
];
const OCR_MIMETYPES_SHOWN = 'application/pdf, image/.*, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** An OCR upload of a known type the service cannot read: 422 with the body Mistral sends ([3P] client-python#217). */
function checkOcrFormat(purpose: string, mimetype: string | null): void {
  if (purpose !== 'ocr' || mimetype === null || OCR_MIMETYPES.some((pattern) => pattern.test(mimetype))) return;
  throw new HttpError(422, {
    detail: 'Invalid file format.',
    message: `Received file with mimetype ${mimetype}, only ${OCR_MIMETYPES_SHOWN}, text/plain, text/csv are currently supported`,
  });
}

interface UploadOptions {
  purpose: string;
  visibility: string;
  expiryHours: number | null;
}

/** FastAPI reports every invalid field at once, in declaration order: expiry, visibility, purpose, file. */
function validateFields(fields: Map<string, string>, file: ReceivedFile | undefined, fileSentAsText: string | undefined): UploadOptions {
  const issues: ValidationIssue[] = [];
  // An empty form value is treated as absent, as FastAPI does for optional form fields.
  const value = (name: string): string | undefined => {
    const raw = fields.get(name);
    return raw === undefined || raw === '' ? undefined : raw;
  };

  let expiryHours: number | null = null;
  const expiryRaw = value('expiry');
  if (expiryRaw !== undefined && expiryRaw !== 'null') {
    const parsed = parseIntegerField(['body', 'expiry'], expiryRaw, { ge: 1 });
    if (typeof parsed === 'number') expiryHours = parsed;
    else issues.push(parsed);
  }

  const visibility = value('visibility') ?? 'workspace';
  if (!(VISIBILITIES as readonly string[]).includes(visibility)) issues.push(enumIssue(['body', 'visibility'], visibility, VISIBILITIES));

  // Mistral's purpose was `fine-tune` only before batch and OCR existed; an upload without one still lands there.
  const purpose = value('purpose') ?? 'fine-tune';
  if (!(PURPOSES as readonly string[]).includes(purpose)) issues.push(enumIssue(['body', 'purpose'], purpose, PURPOSES));

  if (!file) {
    issues.push(fileSentAsText !== undefined
      ? { type: 'value_error', loc: ['body', 'file'], msg: "Value error, Expected UploadFile, received: <class 'str'>", input: fileSentAsText, ctx: { error: {} } }
      : missingIssue(['body', 'file']));
  } else if (file.filename.trim() === '') {
    issues.push({ type: 'value_error', loc: ['body', 'file'], msg: 'Value error, the file part needs a filename', input: '', ctx: { error: {} } });
  }
  if (issues.length > 0) throw validationError(issues);
  return { purpose, visibility, expiryHours };
}
