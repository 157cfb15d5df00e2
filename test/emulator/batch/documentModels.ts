/**
 * Deterministic OCR and transcription: pages and audio length come from the referenced document (a file in
 * the emulator's store, one of its signed URLs, a data URI) or, for outside URLs, from a hash of the URL.
 */
import type { ValidationIssue } from '../errors';
import { BLOB_PREFIX } from '../signedUrl';
import {
  countTokens, hashHex, invalid, isObject, missing, refused, takeFloats, usage, type Body, type ModelContext, type Outcome,
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

/** Real PDFs count `/Type /Page` objects; anything else is one page, an unknown URL 1..4 pages. */
function pageCount(document: Document): number {
  if (document.content && (document.mimetype === 'application/pdf' || document.content.subarray(0, 5).toString('latin1') === '%PDF-')) {
    return Math.max(1, document.content.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0);
  }
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

function pickDocument(body: Body, issues: ValidationIssue[]): { kind: 'file' | 'url'; value: string } | undefined {
  const document = body.document;
  if (document === undefined) {
    issues.push(missing('document', body));
    return undefined;
  }
  // `type` has a default in every chunk, so the batch examples leave it out: the key picks the variant.
  if (isObject(document) && typeof document.file_id === 'string' && (document.type ?? 'file') === 'file') return { kind: 'file', value: document.file_id };
  if (isObject(document) && typeof document.document_url === 'string' && (document.type ?? 'document_url') === 'document_url') return { kind: 'url', value: document.document_url };
  if (isObject(document) && (document.type ?? 'image_url') === 'image_url') {
    const image = isObject(document.image_url) ? document.image_url.url : document.image_url;
    if (typeof image === 'string') return { kind: 'url', value: image };
  }
  issues.push({ type: 'union_tag_not_found', loc: ['body', 'document'], msg: 'Input should be a FileChunk, DocumentURLChunk or ImageURLChunk', input: document });
  return undefined;
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

export async function ocr(body: Body, ctx: ModelContext): Promise<Outcome> {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(body)) {
    if (!OCR_FIELDS.has(key)) issues.push({ type: 'extra_forbidden', loc: ['body', key], msg: 'Extra inputs are not permitted', input: body[key] });
  }
  const picked = pickDocument(body, issues);
  if (picked?.kind === 'url' && !isAcceptedUrl(picked.value)) issues.push({ type: 'value_error', loc: ['body'], msg: URL_RULE, input: body });
  if (issues.length > 0 || !picked) return invalid(issues);
  const document = picked.kind === 'file' ? await fromStore(picked.value, ctx) : await resolveDocument(picked.value, ctx);
  if ('ok' in document) return document;
  const selected = selectPages(body.pages, pageCount(document), issues);
  if (issues.length > 0) return invalid(issues);
  const granularity = body.confidence_scores_granularity;
  const pages = selected.map((index) => {
    const text = `Emulated OCR text of page ${index + 1} of ${document.name}.`;
    const [average, spread] = takeFloats(`ocr:${document.name}:${index}`, 2);
    return {
      index,
      markdown: `# ${document.name}, page ${index + 1}\n\n${text}`,
      images: [],
      tables: [],
      hyperlinks: [],
      header: body.extract_header === true ? `${document.name} header` : null,
      footer: body.extract_footer === true ? `Page ${index + 1}` : null,
      dimensions: { dpi: 200, height: 2200, width: 1700 },
      confidence_scores: typeof granularity === 'string'
        ? { word_confidence_scores: [], average_page_confidence_score: 0.9 + average * 0.09, minimum_page_confidence_score: 0.6 + spread * 0.3 }
        : null,
      blocks: body.include_blocks === false ? [] : [
        { type: 'title', top_left_x: 100, top_left_y: 80, bottom_right_x: 1600, bottom_right_y: 160, content: `${document.name}, page ${index + 1}`, confidence_scores: null },
        { type: 'text', top_left_x: 100, top_left_y: 200, bottom_right_x: 1600, bottom_right_y: 320, content: text, confidence_scores: null },
      ],
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

export async function transcription(body: Body, ctx: ModelContext): Promise<Outcome> {
  const issues: ValidationIssue[] = [];
  const { file_url: fileUrl, file_id: fileId, language } = body;
  if (typeof fileUrl !== 'string' && typeof fileId !== 'string') {
    issues.push({ type: 'value_error', loc: ['body'], msg: 'Value error, Provide a file_url or a file_id (a binary file cannot travel in a batch)', input: body });
  }
  if (language !== undefined && language !== null && !(typeof language === 'string' && /^\w{2}$/.test(language))) {
    issues.push({ type: 'string_pattern_mismatch', loc: ['body', 'language'], msg: "String should match pattern '^\\w{2}$'", input: language, ctx: { pattern: '^\\w{2}$' } });
  }
  if (body.stream !== undefined && body.stream !== false) {
    issues.push({ type: 'literal_error', loc: ['body', 'stream'], msg: 'Input should be False', input: body.stream, ctx: { expected: 'False' } });
  }
  if (issues.length > 0) return invalid(issues);
  const document = typeof fileId === 'string' ? await fromStore(fileId, ctx) : await resolveDocument(fileUrl as string, ctx);
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
