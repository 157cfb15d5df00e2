/**
 * Writing a download: the body goes through `SafeOutput` (src/util/safeOutput.ts: temp file, sync, rename or
 * exclusive link, FIFOs written into), here with the download's own errors: the disk's problems become final
 * `invalid-request` errors worded for the user, the network's pass through as they are.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { invalidRequest } from '../core/errorMapping';
import { destinationKind, OutputError, SafeOutput, type DestinationKind } from '../../util/safeOutput';

export type { DestinationKind };

/** API methods reject with MistralApiError only: a disk or destination problem becomes a final, unretried one. */
function asApiError(err: unknown, operation?: string): unknown {
  return err instanceof OutputError ? invalidRequest(err.message, operation) : err;
}

/** Refuses destinations that cannot work before a request is made: a folder, a missing folder, a disk device. */
export async function checkDestination(destinationPath: string, operation: string): Promise<DestinationKind> {
  return destinationKind(destinationPath).catch((err: unknown) => {
    throw asApiError(err, operation);
  });
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
 * Streams `body` into a fresh temp file and, on complete success only, renames it over `destinationPath` (or links
 * it in place when `overwrite` is false). A FIFO or device destination is written into instead, unless `kind` says
 * what `checkDestination` found already. Rejects with the body's own error otherwise; the temp file is gone either way.
 */
export function writeAtomically(
  body: AsyncIterable<Buffer>,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
  options: { overwrite?: boolean; kind?: DestinationKind } = {},
): Promise<number> {
  return writeBody(body, destinationPath, expectedBytes, onCount, { overwrite: options.overwrite !== false, kind: options.kind });
}

/**
 * Writes straight into a FIFO or character device, which is opened without O_CREAT or O_TRUNC so it can never be
 * turned into a regular file. What was written cannot be taken back: the caller must not retry after a failure.
 */
export function writeToStream(
  body: AsyncIterable<Buffer>,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
): Promise<number> {
  return writeBody(body, destinationPath, expectedBytes, onCount, { overwrite: false, kind: 'stream' });
}

async function writeBody(
  body: AsyncIterable<Buffer>,
  destinationPath: string,
  expectedBytes: number | undefined,
  onCount: (count: number) => void,
  options: { overwrite: boolean; kind?: DestinationKind },
): Promise<number> {
  const output = await SafeOutput.open(destinationPath, {
    ...options,
    during: 'the download',
    advice: 'download again to another name, or allow replacing it',
  }).catch((err: unknown) => {
    throw asApiError(err);
  });
  try {
    let count = 0;
    // Errors of `body` pass through as they are (the network's); the output's become save errors.
    for await (const chunk of body) {
      count += chunk.length;
      onCount(count);
      let full: Promise<void> | undefined;
      try {
        full = output.write(chunk);
      } catch (err) {
        throw asApiError(err);
      }
      if (full) await full;
    }
    if (expectedBytes !== undefined && count !== expectedBytes) throw new IncompleteDownloadError(count, expectedBytes);
    await output.commit().catch((err: unknown) => {
      throw asApiError(err);
    });
    return count;
  } finally {
    await output.discard();
  }
}
