/**
 * Deterministic OCR and transcription: pages and audio length come from the referenced document (a file in
 * the emulator's store, one of its signed URLs, a data URI) or, for outside URLs, from a hash of the URL.
 * PDFs are read with pdf.js: one page per PDF page, its size and the text it carries. Used by the batch engine
 * (one line at a time) and by the synchronous /v1/ocr and /v1/audio/transcriptions routes (documents/routes.ts).
 */
import { parseUuid, type ValidationIssue } from '../errors';
import { figureJpeg, imageSize, looksLikePdf, pdfPageCount, readPdfPages, UnreadablePdfError, type PdfPage } from '../pdfPages';
import { BLOB_PREFIX } from '../signedUrl';
import {
  countTokens, hashHex, invalid, isObject, missing, optionalNonNegativeInt, refused, takeFloats, usage, type Body, type ModelContext, type Outcome,
} from './modelSupport';

const OCR_FIELDS = new Set([
  'model', 'document', 'pages', 'include_image_base64', 'image_limit', 'image_min_size', 'bbox_annotation_format',
  'document_annotation_format', 'document_annotation_prompt', 'table_format', 'extract_header', 'extract_footer',
  'include_blocks', 'confidence_scores_granularity',
]);
const URL_RULE = "Value error, Document content must be a URL (starting with 'https') or base64 encoded document (starting with 'data:application/<format>;base64,<document-base64>')";
/** Aliases resolved to the concrete version the response names ([D-models]). */
const OCR_ALIASES: Record<string, string> = { 'mistral-ocr-latest': 'mistral-ocr-4-1', 'mistral-ocr-4': 'mistral-ocr-4-1' };

interface Document {
  name: string;
  /** Known when the bytes are at hand (store file, data URI). */
  content: Buffer | undefined;
  mimetype: string | null;
}

/** What Mistral documents as OCR's limits ([D-ocr] FAQ). */
export const OCR_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
export const OCR_MAX_PAGES = 1000;

/** A PDF's pages as pdf.js counts them; anything else is one page, an unknown URL 1..4 pages. */
async function pageCount(document: Document): Promise<number> {
  if (document.content && looksLikePdf(document.content, document.mimetype)) return pdfPageCount(document.content);
  if (document.content) return 1;
  return 1 + (parseInt(hashHex('pages', document.name).slice(0, 2), 16) % 4);
}

/** A loopback URL to the emulator's own blob route names a stored file; fetching it would be pointless. */
function blobFileId(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (!parsed.pathname.startsWith(BLOB_PREFIX)) return undefined;
    return parsed.pathname.slice(BLOB_PREFIX.length).split('/')[1];
  } catch {
    return undefined;
  }
}

function isAcceptedUrl(url: string): boolean {
  // Plain http is allowed for loopback only: the emulator's own signed URLs are http.
  return /^https:\/\//i.test(url) || /^data:[\w.+-]+\/[\w.+-]+;base64,/i.test(url)
    || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/i.test(url);
}

async function resolveDocument(url: string, ctx: ModelContext): Promise<Document | Outcome> {
  const data = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/is.exec(url);
  if (data) return { name: 'document', content: Buffer.from(data[2], 'base64'), mimetype: data[1].toLowerCase() };
  const fileId = blobFileId(url);
  if (fileId) return fromStore(fileId, ctx);
  return { name: url, content: undefined, mimetype: null };
}

async function fromStore(fileId: string, ctx: ModelContext): Promise<Document | Outcome> {
  const file = await ctx.files.read(fileId);
  if (!file) return refused(404, `File ${fileId} not found`);
  return { name: file.filename, content: file.content, mimetype: file.mimetype };
}

const CHUNK_FIELDS: Record<'file' | 'document_url' | 'image_url', readonly string[]> = {
  file: ['type', 'file_id'],
  document_url: ['type', 'document_url', 'document_name'],
  image_url: ['type', 'image_url'],
};

function pickDocument(body: Body, issues: ValidationIssue[]): { kind: 'file' | 'url'; value: string } | undefined {
  const document = body.document;
  if (document === undefined) {
    issues.push(missing('document', body));
    return undefined;
  }
  const mismatch = (): undefined => {
    issues.push({ type: 'union_tag_not_found', loc: ['body', 'document'], msg: 'Input should be a FileChunk, DocumentURLChunk or ImageURLChunk', input: document });
    return undefined;
  };
  if (!isObject(document)) return mismatch();
  // `type` has a default in every chunk, so the batch examples leave it out: the key picks the variant.
  const variant = typeof document.type === 'string' ? document.type
    : 'file_id' in document ? 'file' : 'document_url' in document ? 'document_url' : 'image_url' in document ? 'image_url' : undefined;
  if (variant !== 'file' && variant !== 'document_url' && variant !== 'image_url') {
    if (document.type === undefined) return mismatch();
    issues.push({ type: 'union_tag_invalid', loc: ['body', 'document'], msg: `Input tag '${String(document.type)}' found using 'type' does not match any of the expected tags: 'file', 'document_url', 'image_url'`, input: document });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(document)) {
    if (!CHUNK_FIELDS[variant].includes(key)) issues.push({ type: 'extra_forbidden', loc: ['body', 'document', variant, key], msg: 'Extra inputs are not permitted', input: document[key] });
  }
  if (variant === 'file') {
    if (typeof document.file_id !== 'string') {
      issues.push({ type: document.file_id === undefined ? 'missing' : 'string_type', loc: ['body', 'document', 'file', 'file_id'], msg: document.file_id === undefined ? 'Field required' : 'Input should be a valid string', input: document.file_id ?? document });
      return undefined;
    }
    const id = parseUuid(['body', 'document', 'file', 'file_id'], document.file_id);
    if (typeof id !== 'string') issues.push(id);
    return issues.length > before || typeof id !== 'string' ? undefined : { kind: 'file', value: id };
  }
  if (variant === 'document_url') {
    if (typeof document.document_url !== 'string') {
      issues.push({ type: document.document_url === undefined ? 'missing' : 'string_type', loc: ['body', 'document', 'document_url', 'document_url'], msg: document.document_url === undefined ? 'Field required' : 'Input should be a valid string', input: document.document_url ?? document });
      return undefined;
    }
    return issues.length > before ? undefined : { kind: 'url', value: document.document_url };
  }
  const image = isObject(document.image_url) ? document.image_url.url : document.image_url;
  if (typeof image !== 'string') {
    issues.push({ type: image === undefined ? 'missing' : 'string_type', loc: ['body', 'document', 'image_url', 'image_url'], msg: image === undefined ? 'Field required' : 'Input should be a valid string', input: document.image_url ?? document });
    return undefined;
  }
  return issues.length > before ? undefined : { kind: 'url', value: image };
}

function optionalBoolean(body: Body, field: string, issues: ValidationIssue[], nullable = true): void {
  const value = body[field];
  if (value === undefined || (nullable && value === null) || typeof value === 'boolean') return;
  issues.push({ type: 'bool_type', loc: ['body', field], msg: 'Input should be a valid boolean', input: value });
}

function optionalEnum(body: Body, field: string, allowed: readonly string[], issues: ValidationIssue[]): void {
  const value = body[field];
  if (value === undefined || value === null || (typeof value === 'string' && allowed.includes(value))) return;
  const quoted = allowed.map((option) => `'${option}'`);
  const expected = `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  issues.push({ type: 'literal_error', loc: ['body', field], msg: `Input should be ${expected}`, input: value, ctx: { expected } });
}

/** The checks pydantic makes on OCRRequest's scalar fields. */
function checkOcrOptions(body: Body, issues: ValidationIssue[]): void {
  optionalBoolean(body, 'include_image_base64', issues);
  optionalNonNegativeInt(body, 'image_limit', issues);
  optionalNonNegativeInt(body, 'image_min_size', issues);
  optionalEnum(body, 'table_format', ['markdown', 'html'], issues);
  for (const field of ['extract_header', 'extract_footer', 'include_blocks']) optionalBoolean(body, field, issues, false);
  optionalEnum(body, 'confidence_scores_granularity', ['word', 'page', 'block'], issues);
  for (const field of ['bbox_annotation_format', 'document_annotation_format']) {
    const value = body[field];
    if (value !== undefined && value !== null && !isObject(value)) issues.push({ type: 'model_type', loc: ['body', field], msg: 'Input should be a valid dictionary or instance of ResponseFormat', input: value });
  }
}

/** `pages`: "0,2-4" or [0, 2, 3]; indices past the end are dropped. */
function selectPages(raw: unknown, count: number, issues: ValidationIssue[]): number[] {
  const all = [...Array(count).keys()];
  if (raw === undefined || raw === null) return all;
  const wanted = new Set<number>();
  if (Array.isArray(raw) && raw.every((n) => Number.isInteger(n) && n >= 0)) raw.forEach((n: number) => wanted.add(n));
  else if (typeof raw === 'string' && /^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/.test(raw)) {
    for (const part of raw.split(',')) {
      const [from, to] = part.split('-').map((n) => Number(n.trim()));
      for (let n = from; n <= (to ?? from); n++) wanted.add(n);
    }
  } else {
    issues.push({ type: 'value_error', loc: ['body', 'pages'], msg: "Value error, pages must be a list of integers or a string like '0,2-4'", input: raw });
  }
  return all.filter((n) => wanted.has(n));
}

/** 200 dpi, as the service reports pages (US Letter: 1700 × 2200). */
const DPI = 200;
const FIGURE = { width: 320, height: 180 };

interface EmulatedPage {
  markdown: string;
  dimensions: { dpi: number; height: number; width: number } | null;
  images: Array<{ id: string; top_left_x: number; top_left_y: number; bottom_right_x: number; bottom_right_y: number }>;
  blocks: Array<Record<string, unknown>>;
}

/**
 * A PDF page: its text lines as paragraphs (the first as a title), then one extracted figure whose placeholder
 * `![img-N.jpeg](img-N.jpeg)` names `images[].id`, as the service writes them.
 */
function pdfPage(index: number, source: PdfPage, imagesLeft: number, minImageSize: number): EmulatedPage {
  const width = Math.round((source.width / 72) * DPI);
  const height = Math.round((source.height / 72) * DPI);
  const left = Math.round(width * 0.1);
  const textBottom = Math.round(height * 0.1) + 60 * source.lines.length;
  const figureWidth = Math.round(width * 0.5);
  const figureHeight = Math.round((figureWidth * FIGURE.height) / FIGURE.width);
  const image = imagesLeft > 0 && Math.min(figureWidth, figureHeight) >= minImageSize
    ? { id: `img-${index}.jpeg`, top_left_x: left, top_left_y: textBottom + 40, bottom_right_x: left + figureWidth, bottom_right_y: textBottom + 40 + figureHeight }
    : undefined;
  const paragraphs = source.lines.map((line, n) => (n === 0 ? `# ${line}` : line));
  if (image) paragraphs.push(`![${image.id}](${image.id})`);
  const blocks: Array<Record<string, unknown>> = source.lines.map((line, n) => ({
    type: n === 0 ? 'title' : 'text',
    top_left_x: left, top_left_y: Math.round(height * 0.1) + 60 * n, bottom_right_x: width - left, bottom_right_y: Math.round(height * 0.1) + 60 * n + 48,
    content: line, confidence_scores: null,
  }));
  if (image) blocks.push({ type: 'image', image_id: image.id, top_left_x: image.top_left_x, top_left_y: image.top_left_y, bottom_right_x: image.bottom_right_x, bottom_right_y: image.bottom_right_y, content: '', confidence_scores: null });
  return { markdown: paragraphs.join('\n\n'), dimensions: { dpi: DPI, height, width }, images: image ? [image] : [], blocks };
}

/** An image, or a URL the emulator does not fetch: a title and one line of text naming the document. */
function placeholderPage(index: number, document: Document, count: number): EmulatedPage {
  const title = count === 1 ? document.name : `${document.name}, page ${index + 1}`;
  const text = count === 1 ? `Emulated OCR text of ${document.name}.` : `Emulated OCR text of page ${index + 1} of ${document.name}.`;
  const size = document.content ? imageSize(document.content) : undefined;
  const dimensions = size ? { dpi: DPI, ...size } : document.content ? null : { dpi: DPI, height: 2200, width: 1700 };
  const right = size ? Math.max(1, size.width - 10) : 1600;
  return {
    markdown: `# ${title}\n\n${text}`,
    dimensions,
    images: [],
    blocks: [
      { type: 'title', top_left_x: 10, top_left_y: 10, bottom_right_x: right, bottom_right_y: 60, content: title, confidence_scores: null },
      { type: 'text', top_left_x: 10, top_left_y: 80, bottom_right_x: right, bottom_right_y: 140, content: text, confidence_scores: null },
    ],
  };
}

export async function ocr(body: Body, ctx: ModelContext): Promise<Outcome> {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(body)) {
    if (!OCR_FIELDS.has(key)) issues.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: body[key] });
  }
  const picked = pickDocument(body, issues);
  if (picked?.kind === 'url' && !isAcceptedUrl(picked.value)) issues.push({ type: 'value_error', loc: ['body'], msg: URL_RULE, input: body });
  checkOcrOptions(body, issues);
  if (issues.length > 0 || !picked) return invalid(issues);
  const document = picked.kind === 'file' ? await fromStore(picked.value, ctx) : await resolveDocument(picked.value, ctx);
  if ('ok' in document) return document;
  if (document.content && document.content.length > OCR_MAX_DOCUMENT_BYTES) {
    return refused(400, `Document too large: ${document.content.length} bytes; documents must be 50 MB or less`, 'invalid_request_error', 'document_too_large');
  }
  const isPdf = document.content !== undefined && looksLikePdf(document.content, document.mimetype);
  let count: number;
  try {
    count = await pageCount(document);
  } catch (err) {
    if (!(err instanceof UnreadablePdfError)) throw err;
    return refused(400, `Could not read the document as a PDF: ${err.message}`, 'invalid_request_error', 'document_unreadable');
  }
  if (count > OCR_MAX_PAGES) return refused(400, `Document has ${count} pages; documents must contain ${OCR_MAX_PAGES} pages or fewer`, 'invalid_request_error', 'too_many_pages');
  const selected = selectPages(body.pages, count, issues);
  if (issues.length > 0) return invalid(issues);
  const pdfPages = isPdf ? await readPdfPages(document.content as Buffer, selected) : undefined;
  const granularity = body.confidence_scores_granularity;
  let imagesLeft = typeof body.image_limit === 'number' ? body.image_limit : Number.POSITIVE_INFINITY;
  const minImageSize = typeof body.image_min_size === 'number' ? body.image_min_size : 0;
  const figure = body.include_image_base64 === true ? `data:image/jpeg;base64,${figureJpeg().toString('base64')}` : null;
  const pages = selected.map((index) => {
    const source = pdfPages?.get(index);
    const page = source ? pdfPage(index, source, imagesLeft, minImageSize) : placeholderPage(index, document, count);
    imagesLeft -= page.images.length;
    const [average, spread] = takeFloats(`ocr:${document.name}:${index}`, 2);
    return {
      index,
      markdown: page.markdown,
      images: page.images.map((image) => ({ ...image, image_base64: figure, image_annotation: body.bbox_annotation_format ? JSON.stringify({ image: image.id }) : null })),
      tables: [],
      hyperlinks: [],
      header: body.extract_header === true ? `${document.name} header` : null,
      footer: body.extract_footer === true ? `Page ${index + 1}` : null,
      dimensions: page.dimensions,
      confidence_scores: typeof granularity === 'string'
        ? { word_confidence_scores: [], average_page_confidence_score: 0.9 + average * 0.09, minimum_page_confidence_score: 0.6 + spread * 0.3 }
        : null,
      blocks: body.include_blocks === false ? [] : page.blocks,
    };
  });
  const model = OCR_ALIASES[ctx.model] ?? ctx.model;
  return {
    ok: true,
    body: {
      pages,
      model,
      document_annotation: body.document_annotation_format ? JSON.stringify({ document: document.name, pages: pages.length }) : null,
      usage_info: { pages_processed: pages.length, doc_size_bytes: document.content?.length ?? null },
    },
  };
}

/** Seconds of audio: from a WAV header when there is one, else from the size at 16 kB/s, else from a hash. */
function audioSeconds(document: Document): number {
  const content = document.content;
  if (content && content.length >= 44 && content.toString('latin1', 0, 4) === 'RIFF' && content.toString('latin1', 8, 12) === 'WAVE') {
    const byteRate = content.readUInt32LE(28);
    if (byteRate > 0) return Math.max(1, Math.round((content.length - 44) / byteRate));
  }
  if (content) return Math.max(1, Math.round(content.length / 16_000));
  return 5 + (parseInt(hashHex('audio', document.name).slice(0, 4), 16) % 600);
}

/** An audio file sent in the request itself (the synchronous route's multipart `file` part). */
export interface AttachedAudio {
  filename: string;
  content: Buffer;
  mimetype: string | null;
}

export async function transcription(body: Body, ctx: ModelContext, attached?: AttachedAudio): Promise<Outcome> {
  const issues: ValidationIssue[] = [];
  const { file_url: fileUrl, file_id: fileId, language } = body;
  const given = [attached, typeof fileUrl === 'string' ? fileUrl : undefined, typeof fileId === 'string' ? fileId : undefined].filter((v) => v !== undefined).length;
  if (given !== 1) {
    const msg = attached !== undefined || given > 1 ? 'Value error, Provide exactly one of file, file_url and file_id'
      : 'Value error, Provide a file_url or a file_id (a binary file cannot travel in a batch)';
    issues.push({ type: 'value_error', loc: ['body'], msg, input: body });
  }
  if (language !== undefined && language !== null && !(typeof language === 'string' && /^\w{2}$/.test(language))) {
    issues.push({ type: 'string_pattern_mismatch', loc: ['body', 'language'], msg: "String should match pattern '^\\w{2}$'", input: language, ctx: { pattern: '^\\w{2}$' } });
  }
  if (body.stream !== undefined && body.stream !== false) {
    issues.push({ type: 'literal_error', loc: ['body', 'stream'], msg: 'Input should be False', input: body.stream, ctx: { expected: 'False' } });
  }
  if (issues.length > 0) return invalid(issues);
  const document = attached ? { name: attached.filename, content: attached.content, mimetype: attached.mimetype }
    : typeof fileId === 'string' ? await fromStore(fileId, ctx) : await resolveDocument(fileUrl as string, ctx);
  if ('ok' in document) return document;
  const seconds = audioSeconds(document);
  const text = `Emulated transcript of ${document.name} (${seconds} s).`;
  const granularities = Array.isArray(body.timestamp_granularities) ? body.timestamp_granularities : [];
  const segments = granularities.includes('segment')
    ? [{ type: 'transcription_segment', text, start: 0, end: seconds, score: null, speaker_id: body.diarize === true ? 'speaker_1' : null }]
    : [];
  return {
    ok: true,
    body: {
      model: ctx.model,
      text,
      // The service echoes the language it was given and detects English otherwise (the emulator's choice).
      language: typeof language === 'string' ? language : 'en',
      segments,
      usage: { ...usage(4, countTokens(text)), prompt_audio_seconds: seconds },
      finish_reason: null,
    },
  };
}
