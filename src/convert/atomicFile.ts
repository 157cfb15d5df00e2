/**
 * An output file that appears whole or not at all: bytes go to `.name.<random>.part` beside the destination, are
 * synced, and renamed over it on commit; discard (or any failure) removes the temp file, so a good file is never
 * replaced by a partial one. Writes are batched: one write call per `batchBytes`, awaited, which is the back-pressure.
 * Pure: no `vscode` import.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_NAME_BYTES, truncateToBytes } from '../util/sanitizeFilename';

const DEFAULT_BATCH_BYTES = 1024 * 1024;

function tempPathFor(destination: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.part`;
  const stem = truncateToBytes(path.basename(destination), MAX_NAME_BYTES - 1 - suffix.length);
  return path.join(path.dirname(destination), `.${stem}${suffix}`);
}

export class AtomicFile {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;
  /** Bytes handed to write() so far. */
  bytes = 0;

  private constructor(readonly destination: string, readonly tempPath: string, private readonly handle: fs.promises.FileHandle, private readonly batchBytes: number) {}

  static async create(destination: string, batchBytes = DEFAULT_BATCH_BYTES): Promise<AtomicFile> {
    const tempPath = tempPathFor(destination);
    const handle = await fs.promises.open(tempPath, 'wx');
    return new AtomicFile(destination, tempPath, handle, batchBytes);
  }

  /** Resolves at once unless a batch is full; then once it is on its way to the disk. */
  async write(data: string | Buffer): Promise<void> {
    // A Buffer is copied: a line is often a view into a large read buffer, which a rarely flushed output (the
    // validation file of a split) would otherwise keep alive, the whole input ending up in memory.
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    this.bytes += buffer.length;
    if (this.pendingBytes >= this.batchBytes) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    let batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    // writev may write less than asked (a signal, a nearly full disk): loop until every byte is in.
    while (batch.length > 0) {
      const { bytesWritten } = await this.handle.writev(batch);
      let skip = bytesWritten;
      const rest: Buffer[] = [];
      for (const buffer of batch) {
        if (skip >= buffer.length) skip -= buffer.length;
        else {
          rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
          skip = 0;
        }
      }
      if (bytesWritten === 0 && rest.length > 0) throw new Error('the disk accepted no more data');
      batch = rest;
    }
  }

  /** Writes what is left, syncs, and renames the temp file over the destination. */
  async commit(): Promise<void> {
    try {
      await this.flush();
      await this.handle.datasync();
    } catch (err) {
      await this.discard();
      throw err;
    }
    this.closed = true;
    await this.handle.close();
    try {
      await fs.promises.rename(this.tempPath, this.destination);
    } catch (err) {
      await fs.promises.rm(this.tempPath, { force: true });
      throw err;
    }
  }

  /** Removes the temp file; the destination is left as it was. Safe to call more than once. */
  async discard(): Promise<void> {
    this.pending = [];
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await fs.promises.rm(this.tempPath, { force: true });
  }
}
