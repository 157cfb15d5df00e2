/** Byte-level JSONL plumbing for the results join: lines with their file offsets, and cheap reads of one line back. */
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export interface RawLine {
  /** Without the line break (and without a trailing \r). A view into a buffer that is reused: copy to keep. */
  bytes: Buffer;
  /** Byte offset of the line's first byte in the whole stream. */
  offset: number;
  /** 1-based. */
  number: number;
}

/**
 * Splits a byte stream into lines without decoding it. A line that spans chunks is joined once; everything else
 * is a view, so memory is bounded by the chunk size or the longest line. A UTF-8 BOM at the start is skipped.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer | Uint8Array>, onChunk?: (chunk: Buffer) => Promise<void>): AsyncGenerator<RawLine> {
  let pending: Buffer | undefined;
  let pendingOffset = 0;
  let streamOffset = 0;
  let number = 0;
  let first = true;
  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (onChunk) await onChunk(chunk);
    let start = 0;
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    const chunkOffset = streamOffset;
    streamOffset += chunk.length;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      let line: Buffer;
      let offset: number;
      if (pending) {
        line = Buffer.concat([pending, chunk.subarray(start, newline)]);
        offset = pendingOffset;
        pending = undefined;
      } else {
        line = chunk.subarray(start, newline);
        offset = chunkOffset + start;
      }
      number++;
      yield { bytes: trimCr(line), offset, number };
      start = newline + 1;
    }
    if (start < chunk.length) {
      if (pending) pending = Buffer.concat([pending, chunk.subarray(start)]);
      else {
        // Copied: the stream may reuse its chunk once we ask for the next one.
        pending = Buffer.from(chunk.subarray(start));
        pendingOffset = chunkOffset + start;
      }
    }
  }
  if (pending && pending.length > 0) {
    number++;
    yield { bytes: trimCr(pending), offset: pendingOffset, number };
  }
}

function trimCr(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === 13 ? line.subarray(0, line.length - 1) : line;
}

export function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 32 && byte !== 9) return false;
  return true;
}

/**
 * Reads byte ranges of a file. Results usually come in input order: a read that continues where the last one ended
 * fills a large window, so most lines are then served from memory. A read elsewhere (results in another order)
 * fetches just that line, so scattered reads never drag a whole window each.
 * A returned buffer is valid until the next read.
 */
export class WindowedReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  private lastEnd = 0;
  private readonly large: Buffer;
  private small: Buffer = Buffer.alloc(0);

  constructor(private readonly handle: FileHandle, windowBytes = 1024 * 1024) {
    this.large = Buffer.allocUnsafe(windowBytes);
  }

  read(offset: number, length: number): Buffer {
    const sequential = offset >= this.lastEnd && offset - this.lastEnd <= 2;
    this.lastEnd = offset + length;
    if (offset >= this.windowStart && offset + length <= this.windowStart + this.window.length) {
      return this.window.subarray(offset - this.windowStart, offset - this.windowStart + length);
    }
    let buffer: Buffer;
    if (sequential && length <= this.large.length) buffer = this.large;
    else {
      if (this.small.length < length) this.small = Buffer.allocUnsafe(Math.max(length, 16 * 1024));
      buffer = this.small.subarray(0, length);
    }
    // Synchronous on purpose: the staged file was just written and sits in the page cache, where a pread costs
    // microseconds; a thread-pool round trip per line (~50 µs) was measured to be most of the join's time. One call
    // blocks for at most one window (1 MB from memory).
    const bytesRead = fs.readSync(this.handle.fd, buffer, 0, buffer.length, offset);
    if (bytesRead < length) throw new Error(`the results file ended early (wanted ${length} bytes at ${offset}, got ${bytesRead})`);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = offset;
    return this.window.subarray(0, length);
  }
}
