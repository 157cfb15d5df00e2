/**
 * The one way a local output file is written (downloads, batch results, convert, split, OCR, transcripts):
 * - bytes go to `.name.<random>.part` beside the destination, are synced, then renamed over it; any failure removes
 *   the temp file, so the destination only ever holds a complete file and a good one is never replaced by a partial one;
 * - when replacing was not allowed, the last step links the temp file into place instead, which fails if a file
 *   appeared at the destination meanwhile: that file is left as it is;
 * - a FIFO or a character device (a pipe, a terminal, /dev/null) is written into, never replaced by a regular file;
 *   a folder, socket, disk device or missing folder is refused up front;
 * - temp files being written are listed, so a process that must end at once removes them (`removeLiveTempFilesSync`).
 * Pure: no `vscode` import.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_NAME_BYTES, truncateToBytes } from './sanitizeFilename';

/** A destination or disk problem, worded for the person who can fix it; never retried. */
export class OutputError extends Error {
  constructor(message: string, readonly reason: 'destination' | 'disk' | 'appeared', readonly path: string) {
    super(message);
    this.name = 'OutputError';
  }
}

function diskError(destination: string, err: unknown): OutputError {
  return new OutputError(`Cannot save to ${destination}: ${err instanceof Error ? err.message : String(err)}`, 'disk', destination);
}

/** Beside the destination, and no longer than a name may be even when the destination's is at the limit. */
function tempPathFor(destination: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.part`;
  const stem = truncateToBytes(path.basename(destination), MAX_NAME_BYTES - 1 - suffix.length);
  return path.join(path.dirname(destination), `.${stem}${suffix}`);
}

/** Temp files being written right now, so an exit that cannot wait for the cleanup (a signal) still removes them. */
const liveTempFiles = new Set<string>();

/** Deletes every temp file still being written. Synchronous: meant for a process 'exit' handler or a deactivate. */
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

/** Refuses destinations that cannot work, before any work is done: a folder, a missing folder, a disk device. */
export async function destinationKind(destination: string): Promise<DestinationKind> {
  const dir = path.dirname(path.resolve(destination));
  const dirStat = await fs.promises.stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new OutputError(`Cannot save to ${destination}: the folder ${dir} does not exist`, 'destination', destination);
  const destStat = await fs.promises.stat(destination).catch(() => undefined);
  if (!destStat || destStat.isFile()) return 'file';
  if (destStat.isDirectory()) throw new OutputError(`Cannot save to ${destination}: it is a folder; give a file name`, 'destination', destination);
  if (destStat.isFIFO() || destStat.isCharacterDevice()) return 'stream';
  throw new OutputError(`Cannot save to ${destination}: it is not a regular file (a device or socket); give a file name`, 'destination', destination);
}

/**
 * Hands chunks to the file in batches, one `writev` in flight at a time: a few thread-pool round trips per megabyte
 * instead of one per 64 KB chunk, and the producer keeps going while the disk works. `write` returns a promise once
 * `limit` bytes or more wait, so the caller stops producing exactly then (back-pressure).
 *
 * Every `syncEvery` bytes it also starts a `datasync` in the background, so the disk takes the data while the
 * producer is still delivering the rest and the final sync before the rename only has the tail left to flush.
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
 * Bytes that may wait for the disk before the producer is held. Small on purpose: chunks that wait longer survive
 * young-generation collections, get promoted, and then hold their memory until a full collection (4 MB doubled
 * the CLI's peak RSS on a 256 MB download; 2 MB keeps it flat and as fast).
 */
const WRITE_QUEUE_LIMIT = 2 * 1024 * 1024;
/**
 * How much is written between background syncs; see BatchedFileWriter. At 16 MB the sync work hides behind the
 * network entirely here (a 256 MB download took as long as with no sync at all; one sync at the end added ~40%).
 */
const SYNC_EVERY_BYTES = 16 * 1024 * 1024;

export interface SafeOutputOptions {
  /**
   * Whether the destination may be replaced. When false, a file that appears there while the output is written is
   * left as it is and `commit` rejects with an OutputError saying so. Callers decide from their own rules: a
   * `--force`, a "replace?" answered yes, a name that was already taken when the user chose it.
   */
  overwrite: boolean;
  /** For the message when a file appeared: "<path> appeared while {during} ran and was left as it is; {advice}". */
  during: string;
  advice: string;
  /** Already found by `destinationKind` (before a request); found here otherwise. */
  kind?: DestinationKind;
  /**
   * Copy each Buffer written: a line is often a view into a large read buffer, which a rarely flushed output (the
   * validation file of a split) would otherwise keep alive, the whole input ending up in memory.
   */
  copyChunks?: boolean;
}

/**
 * One output being written; see the file comment for the rules. `commit` publishes it, `discard` (or a failed
 * `commit`) removes the temp file. Into a stream, what was written stays written: `discard` only closes it.
 */
export class SafeOutput {
  /** Bytes handed to write() so far. */
  bytes = 0;
  private finished = false;

  private constructor(
    readonly destination: string,
    readonly kind: DestinationKind,
    private readonly tempPath: string | undefined,
    private readonly handle: fs.promises.FileHandle,
    private readonly writer: BatchedFileWriter,
    private readonly options: SafeOutputOptions,
  ) {}

  static async open(destination: string, options: SafeOutputOptions): Promise<SafeOutput> {
    const kind = options.kind ?? (await destinationKind(destination));
    if (kind === 'stream') {
      // No O_CREAT, no O_TRUNC: whatever is there stays a FIFO or a device. A FIFO's open waits for its reader.
      const handle = await fs.promises.open(destination, fs.constants.O_WRONLY).catch((err: unknown) => {
        throw diskError(destination, err);
      });
      // No syncs: a pipe or a device cannot be synced (EINVAL).
      return new SafeOutput(destination, kind, undefined, handle, new BatchedFileWriter(handle, WRITE_QUEUE_LIMIT), options);
    }
    const tempPath = tempPathFor(destination);
    liveTempFiles.add(tempPath);
    // Opened (and so created) before anything can fail, so the cleanup always finds it. 'wx' never reuses a path.
    const handle = await fs.promises.open(tempPath, 'wx', 0o644).catch((err: unknown) => {
      liveTempFiles.delete(tempPath);
      throw diskError(destination, err);
    });
    return new SafeOutput(destination, kind, tempPath, handle, new BatchedFileWriter(handle, WRITE_QUEUE_LIMIT, SYNC_EVERY_BYTES), options);
  }

  /** Undefined at once unless enough waits for the disk; then a promise to await before writing more. */
  write(data: string | Buffer): Promise<void> | undefined {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : this.options.copyChunks ? Buffer.from(data) : data;
    this.bytes += buffer.length;
    try {
      return this.writer.write(buffer);
    } catch (err) {
      throw diskError(this.destination, err);
    }
  }

  /** Writes what is left and publishes the file; on any failure the temp file is removed. */
  async commit(): Promise<void> {
    if (this.finished) throw new Error('SafeOutput: already committed or discarded');
    try {
      await this.writer.flush();
      // Data on disk before the rename publishes it: a crash must not leave an empty file under the real name.
      if (this.tempPath !== undefined) await this.handle.sync();
      await this.handle.close();
    } catch (err) {
      await this.discard();
      throw diskError(this.destination, err);
    }
    if (this.tempPath === undefined) {
      this.finished = true;
      return;
    }
    try {
      if (this.options.overwrite) {
        await fs.promises.rename(this.tempPath, this.destination).catch((err: unknown) => {
          throw diskError(this.destination, err);
        });
      } else {
        await this.publishExclusively(this.tempPath);
      }
    } catch (err) {
      await this.discard();
      throw err;
    }
    this.finished = true;
    liveTempFiles.delete(this.tempPath);
  }

  /** Removes the temp file (or closes the stream); the destination is left as it was. Safe to call more than once. */
  async discard(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.writer.settle();
    // Closed first: Windows cannot delete a file that is still open.
    await this.handle.close().catch(() => undefined);
    if (this.tempPath === undefined) return;
    await fs.promises.rm(this.tempPath, { force: true }).catch(() => undefined);
    liveTempFiles.delete(this.tempPath);
  }

  /**
   * Puts the finished temp file in place only if nothing is there: a hard link fails with EEXIST instead of
   * replacing, where a rename would silently clobber a file created meanwhile. File systems without hard links get
   * an exclusive copy (O_EXCL), which fails the same way.
   */
  private async publishExclusively(tempPath: string): Promise<void> {
    const destination = this.destination;
    const appeared = (): OutputError =>
      new OutputError(`${destination} appeared while ${this.options.during} ran and was left as it is; ${this.options.advice}`, 'appeared', destination);
    try {
      await fs.promises.link(tempPath, destination);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw appeared();
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? '')) throw diskError(destination, err);
      try {
        await fs.promises.copyFile(tempPath, destination, fs.constants.COPYFILE_EXCL);
      } catch (copyErr) {
        if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') throw appeared();
        throw diskError(destination, copyErr);
      }
    }
    // Published already: a temp file left behind is only clutter, not a reason to report a failure.
    await fs.promises.rm(tempPath, { force: true }).catch(() => undefined);
  }
}

/** Writes `chunks` to `destination` by the rules above; resolves with the bytes written. */
export async function writeSafely(destination: string, chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, options: SafeOutputOptions): Promise<number> {
  const output = await SafeOutput.open(destination, options);
  try {
    for await (const chunk of chunks) {
      const full = output.write(chunk);
      if (full) await full;
    }
    await output.commit();
    return output.bytes;
  } finally {
    await output.discard();
  }
}
