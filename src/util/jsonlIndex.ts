/**
 * Random access to the records of a JSONL file of any size: the file is streamed once to a staging folder and only
 * the byte range and line number of each non-blank line are kept; a record is read back and parsed when it is shown.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abortedError } from '../api/core/errorMapping';
import { errorMessage } from '../api/core/errors';
import { isBlank, splitLines } from '../api/batch/lines';
import type { LineSource } from '../api/batch/join';

export interface IndexedRecord {
  /** 1-based line number in the file. */
  line: number;
  /** The parsed line, or undefined when it is not JSON (see `error`). */
  value: unknown;
  error?: string;
  /** Bytes of the line. */
  bytes: number;
}

export class JsonlIndex {
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly lines: number[] = [];

  private constructor(private readonly dir: string, private readonly handle: fs.promises.FileHandle) {}

  static async open(source: LineSource, options: { signal?: AbortSignal; tempDir?: string } = {}): Promise<JsonlIndex> {
    const dir = await fs.promises.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'mistral-jsonl-'));
    const handle = await fs.promises.open(path.join(dir, 'staged.jsonl'), 'w+');
    const index = new JsonlIndex(dir, handle);
    try {
      const stream = (await source.open(options.signal)) as AsyncIterable<Buffer>;
      for await (const line of splitLines(stream, async (chunk) => {
        let written = 0;
        while (written < chunk.length) written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
      })) {
        if ((line.number & 1023) === 0 && options.signal?.aborted) throw abortedError('index JSONL');
        if (isBlank(line.bytes)) continue;
        index.offsets.push(line.offset);
        index.lengths.push(line.bytes.length);
        index.lines.push(line.number);
      }
      return index;
    } catch (err) {
      await index.close();
      throw err;
    }
  }

  get count(): number {
    return this.offsets.length;
  }

  /** Position of the record on this 1-based line, or of the first record after it. */
  positionOfLine(line: number): number {
    let low = 0;
    let high = this.lines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.lines[mid] < line) low = mid + 1;
      else high = mid;
    }
    return Math.min(low, this.lines.length - 1);
  }

  async record(position: number): Promise<IndexedRecord> {
    const length = this.lengths[position];
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, this.offsets[position]);
    const text = buffer.toString('utf8', 0, bytesRead);
    try {
      return { line: this.lines[position], value: JSON.parse(text) as unknown, bytes: length };
    } catch (err) {
      return { line: this.lines[position], value: undefined, error: errorMessage(err), bytes: length };
    }
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fs.promises.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
