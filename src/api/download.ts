/**
 * Writing a download safely: into `.name.<random>.part` beside the destination, fsync, then rename over it.
 * The destination only ever holds a complete file; any failure removes the temp file.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalidRequest } from './errorMapping';

export function tempPathFor(destinationPath: string): string {
  const dir = path.dirname(destinationPath);
  return path.join(dir, `.${path.basename(destinationPath)}.${randomBytes(6).toString('hex')}.part`);
}

/** Refuses destinations that cannot work before a request is made: a folder, or a folder that does not exist. */
export async function checkDestination(destinationPath: string, operation: string): Promise<void> {
  const dir = path.dirname(path.resolve(destinationPath));
  const dirStat = await fs.promises.stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw invalidRequest(`Cannot save to ${destinationPath}: the folder ${dir} does not exist`, operation);
  const destStat = await fs.promises.stat(destinationPath).catch(() => undefined);
  if (destStat?.isDirectory()) throw invalidRequest(`Cannot save to ${destinationPath}: it is a folder; give a file name`, operation);
}

export class ByteCounter extends Transform {
  count = 0;
  constructor(private readonly onCount?: (count: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    this.onCount?.(this.count);
    callback(null, chunk);
  }
}

export class IncompleteDownloadError extends Error {
  constructor(readonly received: number, readonly expected: number) {
    super(`received ${received} of ${expected} bytes`);
    this.name = 'IncompleteDownloadError';
    (this as { code?: string }).code = 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
  }
}

/**
 * Streams `body` into a fresh temp file and, on complete success only, renames it over `destinationPath`.
 * Rejects with the stream's own error otherwise; the temp file is gone either way.
 */
export async function writeAtomically(
  body: Readable,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
): Promise<number> {
  const tempPath = tempPathFor(destinationPath);
  // Opened (and so created) before anything can fail, so the cleanup below always finds it: a lazily opened
  // stream could create the file after a cancellation had already cleaned up. 'wx' never reuses an existing path.
  const handle = await fs.promises.open(tempPath, 'wx', 0o644);
  let renamed = false;
  try {
    const counter = new ByteCounter(onCount);
    await pipeline(body, counter, handle.createWriteStream({ highWaterMark: 1024 * 1024 }));
    if (expectedBytes !== undefined && counter.count !== expectedBytes) {
      throw new IncompleteDownloadError(counter.count, expectedBytes);
    }
    // Data on disk before the rename publishes it: a crash must not leave an empty file under the real name.
    const syncHandle = await fs.promises.open(tempPath, 'r+');
    try {
      await syncHandle.sync();
    } finally {
      await syncHandle.close();
    }
    await fs.promises.rename(tempPath, destinationPath);
    renamed = true;
    return counter.count;
  } finally {
    if (!renamed) {
      // Closed first: Windows cannot delete a file that is still open.
      await handle.close().catch(() => undefined);
      await fs.promises.rm(tempPath, { force: true }).catch(() => undefined);
    }
  }
}
