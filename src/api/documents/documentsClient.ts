/** OCR and transcription over the shared connection: the same retries, error messages, abort and key handling as Files. */
import { formBody, jsonBody } from '../core/bodies';
import type { ApiConnection } from '../core/connection';
import { invalidRequest } from '../core/errorMapping';
import type { RequestSpec } from '../core/transport';
import type { DocumentsApi } from './documentsApi';
import { parseOcrResult, parseTranscription } from './parse';
import { DEFAULT_OCR_MODEL, DEFAULT_TRANSCRIPTION_MODEL, type OcrOptions, type OcrResult, type Transcription, type TranscriptionOptions } from './types';

/** Images of a long document come back inline as base64: far more than the 32 MB other answers are held to. */
const MAX_OCR_ANSWER_BYTES = 1024 * 1024 * 1024;

export class DocumentsClient implements DocumentsApi {
  private readonly ocrUrl: string;
  private readonly transcriptionsUrl: string;

  constructor(private readonly connection: ApiConnection) {
    this.ocrUrl = connection.url('/ocr');
    this.transcriptionsUrl = connection.url('/audio/transcriptions');
  }

  async ocr(fileId: string, options: OcrOptions = {}): Promise<OcrResult> {
    const request: Record<string, unknown> = { model: options.model?.trim() || DEFAULT_OCR_MODEL, document: { type: 'file', file_id: requireId(fileId) } };
    if (options.pages !== undefined) request.pages = typeof options.pages === 'string' ? parsePageList(options.pages) : options.pages;
    if (options.includeImages !== undefined) request.include_image_base64 = options.includeImages;
    // Each call is billed: tried again only when nothing was processed (the connection failed before the body left,
    // or the service turned it away with 429/503), never after an answer was lost.
    const spec: RequestSpec = {
      method: 'POST', url: this.ocrUrl, target: 'file', retryMode: 'upload', body: jsonBody(request), signal: options.signal, maxAnswerBytes: MAX_OCR_ANSWER_BYTES,
    };
    return this.connection.json(spec, parseOcrResult);
  }

  async transcribe(fileId: string, options: TranscriptionOptions = {}): Promise<Transcription> {
    const fields: Array<[string, string]> = [['model', options.model?.trim() || DEFAULT_TRANSCRIPTION_MODEL], ['file_id', requireId(fileId)]];
    if (options.language !== undefined) {
      const language = options.language.trim().toLowerCase();
      if (!/^[a-z]{2}$/.test(language)) throw invalidRequest(`The language is two letters such as "en" or "fr"; got "${options.language}"`);
      fields.push(['language', language]);
    }
    if (options.timestamps) fields.push(['timestamp_granularities', 'segment']);
    const spec: RequestSpec = { method: 'POST', url: this.transcriptionsUrl, target: 'file', retryMode: 'upload', body: formBody(fields), signal: options.signal };
    return this.connection.json(spec, parseTranscription);
  }
}

function requireId(fileId: string): string {
  const id = fileId.trim();
  if (!id) throw invalidRequest('No file id given');
  return id;
}

/** "0,2-4" → [0, 2, 3, 4]: page numbers start at 0, as the API counts them. */
export function parsePageList(text: string): number[] {
  const pages = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!match) throw invalidRequest(`Pages are numbers from 0 and ranges such as "0,2-4"; got "${text}"`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw invalidRequest(`The range "${part.trim()}" ends before it starts`);
    if (to - from > 10_000) throw invalidRequest(`The range "${part.trim()}" is longer than any document`);
    for (let page = from; page <= to; page++) pages.add(page);
  }
  return [...pages].sort((a, b) => a - b);
}
