/** Which purpose a local file most likely has. Pure (node only) so it is unit-tested without VS Code. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FilePurpose } from '../../api/files/types';
import { purposeOfExtension } from '../shared/purposes';
// Enough for the first records of any realistic file; a larger first line falls back to a key scan.
const HEAD_BYTES = 64 * 1024;
const LINES_TO_INSPECT = 5;

/**
 * `.jsonl`: batch when its first records look like `{"custom_id", "body"}`, else fine-tune; PDFs, images and office
 * documents: ocr; audio: audio. Undefined when the name says nothing (the caller then offers fine-tune first).
 */
export function suggestPurpose(fileName: string, head: string | undefined): FilePurpose | undefined {
  const ext = path.extname(fileName).toLowerCase();
  const byExtension = purposeOfExtension(ext);
  if (byExtension === 'ocr' || byExtension === 'audio') return byExtension;
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') {
    return head !== undefined && looksLikeBatch(head) ? 'batch' : 'fine-tune';
  }
  return undefined;
}

/** True when most of the first non-blank lines are objects with `custom_id` or `body` and no `messages`/`text`. */
export function looksLikeBatch(head: string): boolean {
  const text = head.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // The last piece may be cut mid-line by the head limit; use it only when it is the only line there is.
  const complete = lines.length > 1 ? lines.slice(0, -1) : lines;
  let batch = 0;
  let other = 0;
  for (const line of complete) {
    if (batch + other >= LINES_TO_INSPECT) break;
    if (line.trim() === '') continue;
    const verdict = classifyLine(line);
    if (verdict === 'batch') batch++;
    else if (verdict === 'other') other++;
  }
  if (batch + other === 0) {
    // A first line longer than the head: look at its leading keys only.
    return /^\s*\{\s*"(custom_id|body)"\s*:/.test(text);
  }
  return batch > other;
}

function classifyLine(line: string): 'batch' | 'other' | 'unknown' {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'other';
    const record = value as Record<string, unknown>;
    const batchKeys = 'custom_id' in record || 'body' in record;
    return batchKeys && !('messages' in record) && !('text' in record) ? 'batch' : 'other';
  } catch {
    return 'unknown';
  }
}

/** Reads up to the first 64 KB of a file as UTF-8; undefined when it cannot be read. */
export async function readHead(filePath: string, bytes = HEAD_BYTES): Promise<string | undefined> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(filePath, 'r');
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
