/**
 * Reading a file line by line in bounded memory: chunks of a fixed size are read, cut at the last newline, and the
 * lines of each chunk handed over as one batch (one await per megabyte, not one per line). Memory is the chunk size
 * or the longest line, whichever is larger. Pure: no `vscode` import.
 */
import type { FileHandle } from 'node:fs/promises';

export const READ_CHUNK_BYTES = 1024 * 1024;

export interface LineBatch {
  /** Each line without its "\n" (a "\r" before it is removed too). Views into this batch's own buffer. */
  lines: Buffer[];
  /** 1-based number of the first line of this batch. */
  firstLine: number;
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function abortError(what = 'The operation was cancelled'): Error {
  const error = new Error(what);
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/**
 * Yields the file's lines in batches. A UTF-8 BOM at the start is not part of line 1; `onBom` says it was there.
 * A last line without "\n" is still a line; an empty file has no lines.
 */
export async function* readLineBatches(
  handle: FileHandle,
  options: { chunkBytes?: number; signal?: AbortSignal; onBom?: () => void } = {},
): AsyncGenerator<LineBatch> {
  const chunkBytes = Math.max(1, options.chunkBytes ?? READ_CHUNK_BYTES);
  let leftover: Buffer = Buffer.alloc(0);
  let position = 0;
  let lineNumber = 1;
  let first = true;
  for (;;) {
    throwIfAborted(options.signal);
    const buffer = Buffer.allocUnsafe(Math.max(chunkBytes, leftover.length * 2));
    leftover.copy(buffer, 0);
    let filled = leftover.length;
    let eof = false;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
      if (bytesRead === 0) {
        eof = true;
        break;
      }
      filled += bytesRead;
      position += bytesRead;
    }
    let view = buffer.subarray(0, filled);
    if (first) {
      first = false;
      if (view.length >= 3 && view.subarray(0, 3).equals(BOM)) {
        options.onBom?.();
        view = view.subarray(3);
      }
    }
    const end = eof ? view.length : view.lastIndexOf(10) + 1;
    if (!eof && end === 0) {
      // No newline yet: a line longer than the buffer; read on with a bigger one.
      leftover = Buffer.from(view);
      continue;
    }
    const lines: Buffer[] = [];
    let start = 0;
    while (start < end) {
      let newline = view.indexOf(10, start);
      if (newline < 0 || newline >= end) newline = end;
      const stop = newline > start && view[newline - 1] === 13 ? newline - 1 : newline;
      lines.push(view.subarray(start, stop));
      start = newline + 1;
    }
    if (lines.length > 0) {
      yield { lines, firstLine: lineNumber, bytesRead: position };
      lineNumber += lines.length;
    }
    if (eof) return;
    leftover = Buffer.from(view.subarray(end));
  }
}

/** True for a line of only spaces and tabs (Mistral's validate_data.py rejects them; converters skip them). */
export function isBlank(line: Buffer): boolean {
  for (let i = 0; i < line.length; i++) {
    const byte = line[i];
    if (byte !== 32 && byte !== 9 && byte !== 13) return false;
  }
  return true;
}
