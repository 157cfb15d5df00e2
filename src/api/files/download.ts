/**
 * Writing a download safely: into `.name.<random>.part` beside the destination, fsync, then rename over it (or,
 * when nothing may be replaced, link it in place, which fails if a file appeared meanwhile). The destination only
 * ever holds a complete file; any failure removes the temp file, and a process that must end at once removes the
 * temp files still open with `removeLiveTempFilesSync`.
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

/** Temp files being written right now, so an exit that cannot wait for the cleanup (a signal) still removes them. */
const liveTempFiles = new Set<string>();

/** Deletes every temp file a download is still writing. Synchronous: meant for a process 'exit' handler. */
export function removeLiveTempFilesSync(): void {
  for (const tempPath of liveTempFiles) {
    try {
      fs.rmSync(tempPath, { force: true });
    } catch {
      // Nothing more can be done while exiting; the name's leading dot keeps it out of the way.
    }
  }
  liveTempFiles.clear();
}

/**
 * How a destination is written: 'file' through a temp file and a rename, 'stream' straight into it (a FIFO, a
 * terminal, /dev/null: replacing such a thing with a regular file would break it, and it cannot hold a partial file).
 */
export type DestinationKind = 'file' | 'stream';

/** Refuses destinations that cannot work before a request is made: a folder, a missing folder, a disk device. */
export async function checkDestination(destinationPath: string, operation: string): Promise<DestinationKind> {
  const dir = path.dirname(path.resolve(destinationPath));
  const dirStat = await fs.promises.stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw invalidRequest(`Cannot save to ${destinationPath}: the folder ${dir} does not exist`, operation);
  const destStat = await fs.promises.stat(destinationPath).catch(() => undefined);
  if (!destStat || destStat.isFile()) return 'file';
  if (destStat.isDirectory()) throw invalidRequest(`Cannot save to ${destinationPath}: it is a folder; give a file name`, operation);
  if (destStat.isFIFO() || destStat.isCharacterDevice()) return 'stream';
  throw invalidRequest(`Cannot save to ${destinationPath}: it is not a regular file (a device or socket); give a file name`, operation);
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
  options: { overwrite?: boolean } = {},
): Promise<number> {
  const tempPath = tempPathFor(destinationPath);
  liveTempFiles.add(tempPath);
  // Opened (and so created) before anything can fail, so the cleanup below always finds it: a lazily opened
  // stream could create the file after a cancellation had already cleaned up. 'wx' never reuses an existing path.
  const handle = await fs.promises.open(tempPath, 'wx', 0o644).catch((err: unknown) => {
    liveTempFiles.delete(tempPath);
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
    } catch (err) {
      throw saveError(destinationPath, err);
    }
    if (options.overwrite === false) await publishExclusively(tempPath, destinationPath);
    else {
      await fs.promises.rename(tempPath, destinationPath).catch((err: unknown) => {
        throw saveError(destinationPath, err);
      });
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
    liveTempFiles.delete(tempPath);
  }
}

/**
 * Puts the finished temp file at `destinationPath` only if nothing is there: a hard link fails with EEXIST instead
 * of replacing, where a rename would silently clobber a file created during the download. File systems without
 * hard links get an exclusive copy (O_EXCL), which fails the same way.
 */
async function publishExclusively(tempPath: string, destinationPath: string): Promise<void> {
  const exists = (): Error =>
    invalidRequest(`${destinationPath} appeared while the download ran and was left as it is; download again to another name, or allow replacing it`);
  try {
    await fs.promises.link(tempPath, destinationPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists();
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? '')) throw saveError(destinationPath, err);
    try {
      await fs.promises.copyFile(tempPath, destinationPath, fs.constants.COPYFILE_EXCL);
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
      throw saveError(destinationPath, copyErr);
    }
  }
  await fs.promises.rm(tempPath, { force: true });
}

/**
 * Writes straight into a FIFO or character device, which is opened without O_CREAT or O_TRUNC so it can never be
 * turned into a regular file. What was written cannot be taken back: the caller must not retry after a failure.
 */
export async function writeToStream(
  body: AsyncIterable<Buffer>,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
): Promise<number> {
  const handle = await fs.promises.open(destinationPath, fs.constants.O_WRONLY).catch((err: unknown) => {
    throw saveError(destinationPath, err);
  });
  try {
    let count = 0;
    for await (const chunk of body) {
      count += chunk.length;
      onCount(count);
      try {
        await writeFully(handle, [chunk]);
      } catch (err) {
        throw saveError(destinationPath, err);
      }
    }
    if (expectedBytes !== undefined && count !== expectedBytes) throw new IncompleteDownloadError(count, expectedBytes);
    return count;
  } finally {
    await handle.close().catch(() => undefined);
  }
}
