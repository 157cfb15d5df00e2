/**
 * Writing a download safely: into `.name.<random>.part` beside the destination, fsync, then rename over it.
 * The destination only ever holds a complete file; any failure removes the temp file.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { invalidRequest } from '../core/errorMapping';
import { errorMessage } from '../core/errors';
import { MAX_NAME_BYTES, truncateToBytes } from '../../util/sanitizeFilename';

/** Beside the destination, and no longer than a name may be even when the destination's is at the limit. */
function tempPathFor(destinationPath: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.part`;
  const stem = truncateToBytes(path.basename(destinationPath), MAX_NAME_BYTES - 1 - suffix.length);
  return path.join(path.dirname(destinationPath), `.${stem}${suffix}`);
}

/** The disk, not the network, failed: final (never retried) and worded for what the user can fix. */
function saveError(destinationPath: string, err: unknown): Error {
  return invalidRequest(`Cannot save to ${destinationPath}: ${errorMessage(err)}`);
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
 * Hands chunks to the file in batches, one `writev` in flight at a time: a few thread-pool round trips per megabyte
 * instead of one per 64 KB socket read, and the socket keeps being read while the disk works. `write` returns a
 * promise once `limit` bytes or more wait, so the caller stops reading exactly then (back-pressure).
 *
 * Every `syncEvery` bytes it also starts a `datasync` in the background, so the disk takes the data while the
 * network is still delivering the rest and the final sync before the rename only has the tail left to flush.
 */
export class BatchedFileWriter {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private inFlight: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private unsyncedBytes = 0;
  private failure: unknown;

  constructor(
    private readonly handle: fs.promises.FileHandle,
    private readonly limit: number,
    private readonly syncEvery = Number.POSITIVE_INFINITY,
  ) {}

  write(chunk: Buffer): Promise<void> | undefined {
    if (this.failure !== undefined) throw this.failure;
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    this.pump();
    return this.queuedBytes >= this.limit ? this.inFlight : undefined;
  }

  /** Resolves once every queued byte is in the file; rejects with the first write error. */
  async flush(): Promise<void> {
    await this.idle();
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for the file operations in flight, whatever their outcome: the handle must not be closed under them. */
  async settle(): Promise<void> {
    this.queued = [];
    await this.idle();
  }

  /** A finished write starts the next batch or a sync, so wait until neither is left. */
  private async idle(): Promise<void> {
    while (this.inFlight || this.syncing) await (this.inFlight ?? this.syncing);
  }

  private pump(): void {
    if (this.inFlight || this.queued.length === 0 || this.failure !== undefined) return;
    const batch = this.queued;
    const bytes = this.queuedBytes;
    this.queued = [];
    this.queuedBytes = 0;
    this.inFlight = writeFully(this.handle, batch).then(
      () => {
        this.inFlight = undefined;
        this.unsyncedBytes += bytes;
        this.startSyncIfDue();
        this.pump();
      },
      (err: unknown) => {
        this.fail(err);
        this.inFlight = undefined;
      },
    );
  }

  private startSyncIfDue(): void {
    if (this.syncing || this.unsyncedBytes < this.syncEvery) return;
    this.unsyncedBytes = 0;
    this.syncing = this.handle.datasync().then(
      () => {
        this.syncing = undefined;
      },
      (err: unknown) => {
        this.fail(err);
        this.syncing = undefined;
      },
    );
  }

  private fail(err: unknown): void {
    if (this.failure === undefined) this.failure = err;
    this.queued = [];
  }
}

/** `writev` until every byte is written: a short write (a full disk, a signal) must not silently drop data. */
async function writeFully(handle: fs.promises.FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending);
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    if (bytesWritten === 0 && rest.length > 0) throw new Error('the disk accepted no more data');
    pending = rest;
  }
}

/**
 * Bytes that may wait for the disk before the socket is paused. Small on purpose: chunks that wait longer survive
 * young-generation collections, get promoted, and then hold their memory until a full collection (4 MB doubled
 * the CLI's peak RSS on a 256 MB download; 2 MB keeps it flat and as fast).
 */
const WRITE_QUEUE_LIMIT = 2 * 1024 * 1024;
/**
 * How much is written between background syncs; see BatchedFileWriter. At 16 MB the sync work hides behind the
 * network entirely here (a 256 MB download took as long as with no sync at all; one sync at the end added ~40%).
 */
const SYNC_EVERY_BYTES = 16 * 1024 * 1024;

/**
 * Streams `body` into a fresh temp file and, on complete success only, renames it over `destinationPath`.
 * Rejects with the stream's own error otherwise; the temp file is gone either way.
 */
export async function writeAtomically(
  body: AsyncIterable<Buffer>,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
): Promise<number> {
  const tempPath = tempPathFor(destinationPath);
  // Opened (and so created) before anything can fail, so the cleanup below always finds it: a lazily opened
  // stream could create the file after a cancellation had already cleaned up. 'wx' never reuses an existing path.
  const handle = await fs.promises.open(tempPath, 'wx', 0o644).catch((err: unknown) => {
    throw saveError(destinationPath, err);
  });
  const writer = new BatchedFileWriter(handle, WRITE_QUEUE_LIMIT, SYNC_EVERY_BYTES);
  let renamed = false;
  try {
    let count = 0;
    // Errors of `body` pass through as they are (the network's); the writer's become save errors.
    for await (const chunk of body) {
      count += chunk.length;
      onCount(count);
      let full: Promise<void> | undefined;
      try {
        full = writer.write(chunk);
      } catch (err) {
        throw saveError(destinationPath, err);
      }
      if (full) await full;
    }
    if (expectedBytes !== undefined && count !== expectedBytes) {
      throw new IncompleteDownloadError(count, expectedBytes);
    }
    try {
      await writer.flush();
      // Data on disk before the rename publishes it: a crash must not leave an empty file under the real name.
      await handle.sync();
      await handle.close();
      await fs.promises.rename(tempPath, destinationPath);
    } catch (err) {
      throw saveError(destinationPath, err);
    }
    renamed = true;
    return count;
  } finally {
    if (!renamed) {
      await writer.settle();
      // Closed first: Windows cannot delete a file that is still open.
      await handle.close().catch(() => undefined);
      await fs.promises.rm(tempPath, { force: true }).catch(() => undefined);
    }
  }
}
