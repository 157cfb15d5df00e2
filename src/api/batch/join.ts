/**
 * Joins a batch job's results to its requests by custom_id: one record per input request, in input order.
 * Result lines come in any order ("callers must key on custom_id"), so the result files are streamed to temp
 * files once and indexed as custom_id → byte range; the inputs are then streamed and each record reads its
 * result line back. Memory holds the index (a few dozen bytes per request) and one line at a time, never the
 * parsed files: a 100,000-request job of hundreds of MB joins in tens of MB.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { abortedError } from '../core/errorMapping';
import type { FilesApi } from '../files/filesApi';
import { isBlank, splitLines, WindowedReader } from './lines';
import type { BatchJob } from './types';

export type JoinStatus = 'succeeded' | 'failed' | 'missing';

export interface JoinedResult {
  custom_id: string | null;
  /** "missing": no result line names this request (the job was cancelled or timed out, or the service lost it). */
  status: JoinStatus;
  /** The inner call's HTTP status, when the result line has one. */
  status_code: number | null;
  /** The input line's `body` (null when the line is not a JSON object). */
  request: unknown;
  /** The result line's `response.body`. */
  response: unknown;
  error: { message: string; [key: string]: unknown } | null;
}

export interface JoinStats {
  requests: number;
  succeeded: number;
  failed: number;
  missing: number;
  /** Result lines no input request claimed (custom_ids not in the inputs). */
  unmatchedResults: number;
  /** Result lines that are not JSON or carry no readable custom_id. */
  unreadableResults: number;
}

/** Something that can be streamed once: a file of the Files API, a local file, a test fixture. */
export interface LineSource {
  name: string;
  open(signal: AbortSignal | undefined): Promise<Readable | AsyncIterable<Buffer>>;
}

export interface JoinSources {
  /** The job's input files, in job order. Empty for an inline job: the results are then listed in file order. */
  inputs: LineSource[];
  /** The output file, then the error file: a custom_id in both is matched to the output line first. */
  results: LineSource[];
}

export interface JoinOptions {
  signal?: AbortSignal;
  /** Where the result files are staged; default the OS temp folder. Removed when the join ends. */
  tempDir?: string;
  /** Filled in while the join runs; complete once the iteration ends. */
  stats?: JoinStats;
}

export function newJoinStats(): JoinStats {
  return { requests: 0, succeeded: 0, failed: 0, missing: 0, unmatchedResults: 0, unreadableResults: 0 };
}

/** The job's input, output and error files, read through FilesApi.openContent. */
export function jobResultSources(files: FilesApi, job: BatchJob): JoinSources {
  const source = (id: string): LineSource => ({
    name: id,
    open: async (signal) => (await files.openContent(id, { signal })).body,
  });
  const results = [job.output_file, job.error_file].filter((id): id is string => typeof id === 'string' && id.length > 0);
  return { inputs: job.input_files.map(source), results: results.map(source) };
}

export function localFileSource(filePath: string): LineSource {
  return { name: filePath, open: async () => fs.createReadStream(filePath, { highWaterMark: 256 * 1024 }) };
}

/** custom_id of lines that have none (or are not JSON): matched in order with result lines that have none. */
const NO_ID = '\u0000no-custom-id';

/**
 * Where each result line lives: entries chained per custom_id in the order they were read (output file first).
 * Plain number arrays rather than an object per line keep the index at a few dozen bytes per request.
 */
class ResultIndex {
  private readonly slots = new Map<string, number>();
  private readonly heads: number[] = [];
  private readonly tails: number[] = [];
  readonly file: number[] = [];
  readonly offset: number[] = [];
  readonly length: number[] = [];
  private readonly next: number[] = [];
  consumed = 0;

  get size(): number {
    return this.file.length;
  }

  add(key: string, file: number, offset: number, length: number): void {
    const entry = this.file.length;
    this.file.push(file);
    this.offset.push(offset);
    this.length.push(length);
    this.next.push(-1);
    const slot = this.slots.get(key);
    if (slot === undefined) {
      this.slots.set(key, this.heads.length);
      this.heads.push(entry);
      this.tails.push(entry);
    } else if (this.heads[slot] === -1) {
      this.heads[slot] = entry;
      this.tails[slot] = entry;
    } else {
      this.next[this.tails[slot]] = entry;
      this.tails[slot] = entry;
    }
  }

  /** The next unclaimed result line for this custom_id, or -1. */
  take(key: string): number {
    const slot = this.slots.get(key);
    if (slot === undefined) return -1;
    const entry = this.heads[slot];
    if (entry === -1) return -1;
    this.heads[slot] = this.next[entry];
    this.consumed++;
    return entry;
  }
}

export async function* joinBatchResults(sources: JoinSources, options: JoinOptions = {}): AsyncGenerator<JoinedResult> {
  const { signal } = options;
  const stats = options.stats ?? newJoinStats();
  const checkAbort = (): void => {
    if (signal?.aborted) throw abortedError('join batch results');
  };
  checkAbort();
  const dir = await fs.promises.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'mistral-batch-join-'));
  const handles: fs.promises.FileHandle[] = [];
  try {
    const index = new ResultIndex();
    for (const [fileNumber, source] of sources.results.entries()) {
      const handle = await fs.promises.open(path.join(dir, `results-${fileNumber}.jsonl`), 'w+');
      handles.push(handle);
      const stream = await source.open(signal);
      // The bytes go to disk as they arrive; the index only remembers where each line starts and ends.
      for await (const line of splitLines(stream as AsyncIterable<Buffer>, async (chunk) => {
        await writeAll(handle, chunk);
      })) {
        if (isBlank(line.bytes)) continue;
        const key = resultKey(line.bytes);
        if (key === undefined) {
          stats.unreadableResults++;
          continue;
        }
        index.add(key, fileNumber, line.offset, line.bytes.length);
        if ((line.number & 1023) === 0) checkAbort();
      }
    }
    checkAbort();
    const readers = handles.map((handle) => new WindowedReader(handle));
    const resultAt = (entry: number): unknown => {
      const bytes = readers[index.file[entry]].read(index.offset[entry], index.length[entry]);
      try {
        return JSON.parse(bytes.toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    };
    const emit = (record: JoinedResult): JoinedResult => {
      stats.requests++;
      stats[record.status]++;
      return record;
    };

    if (sources.inputs.length === 0) {
      for (let entry = 0; entry < index.size; entry++) {
        const line = resultAt(entry);
        const customId = isRecord(line) && line.custom_id != null ? String(line.custom_id) : null;
        index.consumed++;
        yield emit({ custom_id: customId, request: null, ...classify(line) });
        if ((entry & 1023) === 0) checkAbort();
      }
    } else {
      for (const source of sources.inputs) {
        const stream = await source.open(signal);
        for await (const line of splitLines(stream as AsyncIterable<Buffer>)) {
          if (isBlank(line.bytes)) continue;
          if ((line.number & 1023) === 0) checkAbort();
          let input: unknown;
          try {
            input = JSON.parse(line.bytes.toString('utf8'));
          } catch {
            input = undefined;
          }
          const customId = isRecord(input) && input.custom_id != null ? String(input.custom_id) : null;
          const request = isRecord(input) ? (input.body ?? null) : null;
          const entry = index.take(customId ?? NO_ID);
          if (entry === -1) {
            const message = input === undefined
              ? `Line ${line.number} of ${source.name} is not valid JSON, and no result matches it`
              : customId === null ? `Line ${line.number} of ${source.name} has no custom_id, so its result cannot be matched` : 'No result for this request';
            yield emit({ custom_id: customId, status: 'missing', status_code: null, request, response: null, error: { message } });
            continue;
          }
          yield emit({ custom_id: customId, request, ...classify(resultAt(entry)) });
        }
      }
    }
    stats.unmatchedResults = index.size - index.consumed;
  } finally {
    await Promise.all(handles.map((handle) => handle.close().catch(() => undefined)));
    await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The custom_id of a result line. Lines as Mistral writes them start `{"id":"…","custom_id":"…",`, read from
 * the first bytes without parsing the (large) response body; any other shape is parsed whole.
 */
const CANONICAL_START = /^\s*\{\s*(?:"id"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*)?"custom_id"\s*:\s*("(?:[^"\\]|\\.)*"|null|-?\d+)\s*[,}]/;

function resultKey(bytes: Buffer): string | undefined {
  const head = bytes.toString('utf8', 0, Math.min(bytes.length, 512));
  const match = CANONICAL_START.exec(head);
  let value: unknown;
  if (match) value = JSON.parse(match[1]);
  else {
    let line: unknown;
    try {
      line = JSON.parse(bytes.toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isRecord(line)) return undefined;
    value = line.custom_id;
  }
  if (value === null || value === undefined) return NO_ID;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * Accepts every line shape seen in the wild: `error` null, an object with `message`, or a bare string; a
 * non-2xx `status_code` in the output file; a line with neither response nor error.
 */
export function classify(line: unknown): Pick<JoinedResult, 'status' | 'status_code' | 'response' | 'error'> {
  if (!isRecord(line)) {
    return { status: 'failed', status_code: null, response: null, error: { message: 'The result line is not valid JSON' } };
  }
  const response = isRecord(line.response) ? line.response : null;
  const statusCode = response && typeof response.status_code === 'number' ? response.status_code : null;
  const body = response ? (response.body ?? null) : null;
  let error = normalizeError(line.error);
  const failed = error !== null || response === null || (statusCode !== null && (statusCode < 200 || statusCode >= 300));
  if (failed && error === null) {
    error = { message: response === null ? 'The result line has no response' : (bodyMessage(body) ?? `The request failed with status ${String(statusCode)}`) };
  }
  return { status: failed ? 'failed' : 'succeeded', status_code: statusCode, response: body, error };
}

function normalizeError(value: unknown): JoinedResult['error'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return { message: value };
  if (isRecord(value)) return typeof value.message === 'string' ? { ...value, message: value.message } : { ...value, message: JSON.stringify(value) };
  return { message: JSON.stringify(value) };
}

function bodyMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (typeof body.message === 'string') return body.message;
  if (typeof body.detail === 'string') return body.detail;
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function writeAll(handle: fs.promises.FileHandle, chunk: Buffer): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
    written += bytesWritten;
  }
}
