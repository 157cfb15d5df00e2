/**
 * JSONL validation for Mistral fine-tuning and batch files. Pure: no `vscode` import.
 * validateFile streams a file with bounded memory (worker threads for large files);
 * validateText checks an editor's text synchronously with the same rules and positions.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { ChunkValidator, MAX_LINE_BYTES, type ChunkResult, type PendingValue } from './chunk';
import type { ChunkReply } from './chunkJob';
import { DEFAULT_MAX_DIAGNOSTICS, ResultMerger } from './merge';
import { asError } from '../api/core/errors';
import type { ValidationOptions, ValidationResult } from './types';
import { resolveWorkerScript, WorkerPool } from './workerPool';

export * from './types';
export { RULES, type RuleCode } from './rules';

/**
 * Files from this size up are split over worker threads (unless options.workers says otherwise).
 * Below it a worker's start-up and JIT warm-up (~0.1 s of CPU each, measured) cost more than they save.
 */
export const WORKER_THRESHOLD_BYTES = 32 * 1024 * 1024;
const WORKER_CHUNK_BYTES = 1024 * 1024;
const MAIN_THREAD_CHUNK_BYTES = 1024 * 1024;
/** Chunks queued per worker: one being validated, one waiting, so a worker never idles between chunks. */
const WORKER_QUEUE_DEPTH = 2;

export function validateText(text: string, options: ValidationOptions = {}): ValidationResult {
  const maxDiagnostics = options.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
  const bom = text.charCodeAt(0) === 0xfeff;
  const body = bom ? text.slice(1) : text;
  // The BOM stays part of the caller's text, so columns on line 1 count it.
  const validator = new ChunkValidator({ purpose: options.purpose, tokens: options.tokens, budget: maxDiagnostics, lineOffset: 0, firstLineColShift: bom ? 1 : 0 });
  validator.pushText(body);
  const merger = new ResultMerger(maxDiagnostics, options.purpose);
  merger.add(validator.finish(true), 0);
  return merger.finish({ bytes: Buffer.byteLength(text, 'utf8'), fileName: options.fileName, bom });
}

function abortError(): Error {
  const error = new Error('Validation was cancelled');
  error.name = 'AbortError';
  return error;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}

/** Rejects with an AbortError as soon as the signal fires, without waiting for `promise`. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(asError(error));
      },
    );
  });
}

/** A line longer than MAX_LINE_BYTES, read past without keeping it: `bytes` of content, `consumed` with its newline. */
interface OverlongLine {
  bytes: number;
  consumed: number;
}

/**
 * Reads past the rest of an overlong line in fixed blocks, keeping nothing but what follows its newline.
 * `rest` is a copy (the block is reused); `eof` when the file ended inside the line.
 */
async function skipLine(handle: FileHandle, seen: number): Promise<{ line: OverlongLine; rest: Uint8Array; eof: boolean }> {
  const block = Buffer.allocUnsafe(1024 * 1024);
  let bytes = seen;
  for (;;) {
    const { bytesRead } = await handle.read(block, 0, block.length, null);
    if (bytesRead === 0) return { line: { bytes, consumed: bytes }, rest: new Uint8Array(0), eof: true };
    const newline = block.subarray(0, bytesRead).indexOf(10);
    if (newline >= 0) {
      bytes += newline;
      return { line: { bytes, consumed: bytes + 1 }, rest: Uint8Array.prototype.slice.call(block, newline + 1, bytesRead), eof: false };
    }
    bytes += bytesRead;
  }
}

/**
 * Reads the file in chunks that end on a line boundary (the last one excepted). Each chunk owns
 * its ArrayBuffer so it can be transferred to a worker. A line longer than the chunk size grows
 * the next buffer: memory is bounded by the chunk size or the longest line, and a line over
 * MAX_LINE_BYTES is read past and handed on as its length only (a 513 MB file without a newline
 * would otherwise be one string, more than V8 can hold). Buffers the consumer is done with go back
 * into `spare`: dead chunks would otherwise pile up as external memory until the next full GC.
 */
async function* lineAlignedChunks(handle: FileHandle, chunkSize: number, spare: ArrayBuffer[]): AsyncGenerator<Uint8Array | OverlongLine> {
  let leftover: Uint8Array = new Uint8Array(0);
  for (;;) {
    if (leftover.length > MAX_LINE_BYTES) {
      const skipped = await skipLine(handle, leftover.length);
      leftover = skipped.rest;
      yield skipped.line;
      if (skipped.eof) return;
      continue;
    }
    // Never more than one byte past the limit (that byte tells an overlong line from one just at it), and straight
    // there once doubling would reach it: each step holds the old buffer and the new one at the same time.
    const doubled = Math.max(chunkSize, 1, leftover.length * 2);
    const wanted = doubled >= MAX_LINE_BYTES ? Math.max(chunkSize, MAX_LINE_BYTES + 1) : doubled;
    const recycled = spare.pop();
    const buffer = recycled?.byteLength === wanted ? Buffer.from(recycled, 0, wanted) : Buffer.allocUnsafeSlow(wanted);
    buffer.set(leftover, 0);
    let filled = leftover.length;
    let eof = false;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) {
        eof = true;
        break;
      }
      filled += bytesRead;
    }
    const view = buffer.subarray(0, filled);
    if (eof) {
      if (view.length > 0) yield view;
      return;
    }
    const lastNewline = view.lastIndexOf(10);
    if (lastNewline < 0) {
      leftover = view;
      continue;
    }
    leftover = Uint8Array.prototype.slice.call(view, lastNewline + 1);
    yield view.subarray(0, lastNewline + 1);
  }
}

function stripBom(chunk: Uint8Array, isFirst: boolean): { chunk: Uint8Array; bom: boolean } {
  if (isFirst && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return { chunk: chunk.subarray(3), bom: true };
  return { chunk, bom: false };
}

function workerCount(size: number, requested: number | undefined): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  if (size < WORKER_THRESHOLD_BYTES) return 0;
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export async function validateFile(path: string, options: ValidationOptions = {}): Promise<ValidationResult> {
  throwIfAborted(options.signal);
  const maxDiagnostics = options.maxDiagnostics ?? DEFAULT_MAX_DIAGNOSTICS;
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const merger = new ResultMerger(maxDiagnostics, options.purpose);
    const count = workerCount(size, options.workers);
    const script = count > 0 ? resolveWorkerScript() : null;
    const bom = script ? await validateWithWorkers(handle, size, merger, options, new WorkerPool(script, count)) : await validateOnMainThread(handle, size, merger, options);
    options.onProgress?.(size, size);
    return merger.finish({ bytes: size, fileName: options.fileName ?? path, bom });
  } finally {
    await handle.close();
  }
}

async function validateOnMainThread(handle: FileHandle, size: number, merger: ResultMerger, options: ValidationOptions): Promise<boolean> {
  const validator = new ChunkValidator({ purpose: options.purpose, tokens: options.tokens, budget: merger.remainingBudget, lineOffset: 0 });
  let processed = 0;
  let bom = false;
  const spare: ArrayBuffer[] = [];
  for await (const raw of lineAlignedChunks(handle, options.chunkBytes ?? MAIN_THREAD_CHUNK_BYTES, spare)) {
    throwIfAborted(options.signal);
    if (!(raw instanceof Uint8Array)) {
      validator.pushOverlongLine(raw.bytes);
      processed += raw.consumed;
      options.onProgress?.(processed, size);
      continue;
    }
    const stripped = stripBom(raw, processed === 0);
    bom ||= stripped.bom;
    validator.pushBytes(stripped.chunk);
    spare.push(raw.buffer as ArrayBuffer);
    processed += raw.length;
    options.onProgress?.(processed, size);
  }
  throwIfAborted(options.signal);
  merger.add(validator.finish(true), 0);
  return bom;
}

interface InFlight {
  reply: Promise<ChunkReply>;
  bytes: number;
}

async function validateWithWorkers(handle: FileHandle, size: number, merger: ResultMerger, options: ValidationOptions, pool: WorkerPool): Promise<boolean> {
  const queue: InFlight[] = [];
  const spare: ArrayBuffer[] = [];
  const maxInFlight = pool.size * WORKER_QUEUE_DEPTH;
  let carry: PendingValue | null = null;
  let processed = 0;
  let bom = false;
  let seq = 0;

  const mergeResult = (result: ChunkResult, lineShift: number): void => {
    const next = result.carry;
    result.carry = null;
    merger.add(result, lineShift);
    carry = next ? { ...next, startLine: next.startLine + lineShift } : null;
  };
  const mergeNext = async (): Promise<void> => {
    const item = queue.shift();
    if (!item) return;
    const reply = await abortable(item.reply, options.signal);
    const linesBefore = merger.lineCount;
    if (carry) {
      // A value left open by the previous chunk continues here: re-check this chunk with that state.
      const validator = new ChunkValidator({ purpose: options.purpose, tokens: options.tokens, budget: merger.remainingBudget, lineOffset: linesBefore, carry });
      validator.pushBytes(new Uint8Array(reply.buffer, reply.byteOffset, reply.byteLength));
      mergeResult(validator.finish(false), 0);
    } else {
      mergeResult(reply.result, linesBefore);
    }
    spare.push(reply.buffer);
    processed += item.bytes;
    options.onProgress?.(processed, size);
  };

  try {
    for await (const raw of lineAlignedChunks(handle, options.chunkBytes ?? WORKER_CHUNK_BYTES, spare)) {
      throwIfAborted(options.signal);
      if (!(raw instanceof Uint8Array)) {
        // Its line number depends on every chunk before it: those are merged first, then the line is counted here.
        while (queue.length > 0) await mergeNext();
        const validator = new ChunkValidator({ purpose: options.purpose, tokens: options.tokens, budget: merger.remainingBudget, lineOffset: merger.lineCount, carry });
        validator.pushOverlongLine(raw.bytes);
        mergeResult(validator.finish(false), 0);
        processed += raw.consumed;
        options.onProgress?.(processed, size);
        continue;
      }
      const stripped = stripBom(raw, seq === 0);
      bom ||= stripped.bom;
      const chunk = stripped.chunk;
      const job = { seq: seq++, buffer: chunk.buffer as ArrayBuffer, byteOffset: chunk.byteOffset, byteLength: chunk.byteLength, purpose: options.purpose, tokens: options.tokens, budget: merger.remainingBudget };
      // Read before the buffer is transferred to the worker, which leaves `raw` empty here.
      const bytes = raw.length;
      const reply = pool.run(job);
      // Awaited in order by mergeNext; this only keeps a failure from counting as unhandled meanwhile.
      reply.catch(() => undefined);
      queue.push({ reply, bytes });
      while (queue.length >= maxInFlight) await mergeNext();
    }
    while (queue.length > 0) await mergeNext();
    throwIfAborted(options.signal);
    if (carry) {
      const validator = new ChunkValidator({ purpose: options.purpose, tokens: options.tokens, budget: merger.remainingBudget, lineOffset: merger.lineCount, carry });
      mergeResult(validator.finish(true), 0);
    }
    return bom;
  } finally {
    await pool.destroy();
  }
}
