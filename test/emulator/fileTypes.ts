/**
 * What the emulator infers about an uploaded file from its name and first line, the way Mistral fills
 * `mimetype`, `num_lines` and `sample_type`.
 */
import * as path from 'node:path';

const MIMETYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.jsonl': 'application/jsonl',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.tsv': 'text/tab-separated-values',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.xml': 'application/xml',
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.epub': 'application/epub+zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.webm': 'audio/webm',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

/** Like Python's `mimetypes.guess_type`: from the extension only, null when unknown. */
export function mimetypeForFilename(filename: string): string | null {
  return MIMETYPES_BY_EXTENSION[path.extname(filename).toLowerCase()] ?? null;
}

export function isJsonlFilename(filename: string): boolean {
  return path.extname(filename).toLowerCase() === '.jsonl';
}

/**
 * sample_type from the purpose and the first non-blank JSONL line. Where Mistral's reference is silent
 * (ocr, audio, unreadable fine-tune data) the emulator answers `instruct`, the service's default type.
 */
export function inferSampleType(purpose: string, firstLine: string | undefined): string {
  if (purpose === 'batch') return 'batch_request';
  if (purpose !== 'fine-tune' || firstLine === undefined) return 'instruct';
  try {
    const parsed: unknown = JSON.parse(firstLine);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      if ('messages' in record || 'interactions' in record) return 'instruct';
      if (typeof record.text === 'string') return 'pretrain';
    }
  } catch {
    // Not JSON: the fine-tuning job will reject it later; the upload itself succeeds.
  }
  return 'instruct';
}

/** Bounded memory: only this much of the first line is kept for sniffing. */
export const FIRST_LINE_LIMIT = 1024 * 1024;

/**
 * Counts lines and keeps the first non-blank line while bytes stream past. Uses Buffer.indexOf (native)
 * so a 500 MB file costs a few milliseconds of JavaScript.
 */
export class JsonlSniffer {
  private newlines = 0;
  private lastByte = -1;
  private totalBytes = 0;
  private firstLineParts: Buffer[] = [];
  private firstLineBytes = 0;
  private firstLineDone = false;

  update(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.totalBytes += chunk.length;
    let position = chunk.indexOf(10);
    if (!this.firstLineDone) this.collectFirstLine(chunk, position);
    while (position !== -1) {
      this.newlines++;
      position = chunk.indexOf(10, position + 1);
    }
    this.lastByte = chunk[chunk.length - 1];
  }

  private collectFirstLine(chunk: Buffer, firstNewline: number): void {
    let start = 0;
    let end = firstNewline;
    while (true) {
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (this.firstLineBytes < FIRST_LINE_LIMIT) {
        const kept = piece.subarray(0, FIRST_LINE_LIMIT - this.firstLineBytes);
        this.firstLineParts.push(Buffer.from(kept));
        this.firstLineBytes += kept.length;
      }
      if (end === -1) return;
      if (this.currentFirstLine().trim() !== '') {
        this.firstLineDone = true;
        return;
      }
      // A blank leading line: keep looking on the next one.
      this.firstLineParts = [];
      this.firstLineBytes = 0;
      start = end + 1;
      end = chunk.indexOf(10, start);
    }
  }

  private currentFirstLine(): string {
    return Buffer.concat(this.firstLineParts).toString('utf8');
  }

  get numLines(): number {
    if (this.totalBytes === 0) return 0;
    return this.newlines + (this.lastByte === 10 ? 0 : 1);
  }

  get firstLine(): string | undefined {
    const line = this.currentFirstLine().trim();
    return line === '' ? undefined : line;
  }
}
