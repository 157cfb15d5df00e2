/**
 * Byte-level helpers of the results table (resultsTable.ts): reading the custom_id and status of a result line, and the
 * custom_id of an input line, from their first and last bytes when they have the shape Mistral documents
 * (https://docs.mistral.ai/capabilities/batch/), so most lines need no parse while indexing.
 */
import type * as fs from 'node:fs';
import { abortedError } from '../core/errorMapping';

/** A result line as Mistral writes a success: custom_id then response.status_code, read from the first bytes. */
export const SUCCESS_HEAD = /^\s*\{\s*(?:"id"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*)?"custom_id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*,\s*"response"\s*:\s*\{\s*"status_code"\s*:\s*(2\d\d)\s*[,}]/;
/** …and ending with `"error":null}`: a key of the outermost object, as only its closing brace can follow. */
export const NULL_ERROR_TAIL = /"error"\s*:\s*null\s*\}\s*$/;
/** An input line that starts with its custom_id (the documented shape). */
export const INPUT_HEAD = /^\s*\{\s*"custom_id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*,\s*"body"\s*:\s*\{/;
export const HEAD_BYTES = 512;
export const TAIL_BYTES = 64;

/** Numbers before strings; nulls last; custom_ids like "req-2" before "req-10". */
export function compareKeys(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null || a === '') return 1;
  if (b === null || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** custom_id and status code of a success line in the shape Mistral writes, without parsing it; else undefined. */
export function quickSuccess(bytes: Buffer): { id: string; statusCode: number } | undefined {
  const head = SUCCESS_HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
  if (!head || !NULL_ERROR_TAIL.test(bytes.toString('utf8', Math.max(0, bytes.length - TAIL_BYTES)))) return undefined;
  return { id: String(JSON.parse(head[1])), statusCode: Number(head[2]) };
}

export function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function writeAll(handle: fs.promises.FileHandle, chunk: Buffer): Promise<void> {
  let written = 0;
  while (written < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
    written += bytesWritten;
  }
}

/**
 * Result entries chained per custom_id in reading order (output file first), so a custom_id that repeats is claimed
 * one entry at a time, in order.
 */
export class IdChains {
  private readonly heads = new Map<string, number>();
  private readonly tails = new Map<string, number>();
  private readonly next: number[] = [];

  add(key: string, entry: number): void {
    this.next[entry] = -1;
    const tail = this.tails.get(key);
    if (tail === undefined) this.heads.set(key, entry);
    else this.next[tail] = entry;
    this.tails.set(key, entry);
  }

  /** The next unclaimed entry for this key, or -1. */
  take(key: string): number {
    const entry = this.heads.get(key);
    if (entry === undefined || entry === -1) return -1;
    this.heads.set(key, this.next[entry]);
    return entry;
  }
}

/** Calls `each` for 0…count-1, yielding to the event loop every 1,024 calls and stopping when `signal` fires. */
export async function inBatches(count: number, each: (index: number) => void, signal?: AbortSignal): Promise<void> {
  for (let index = 0; index < count; index++) {
    each(index);
    if ((index & 1023) === 1023) {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortedError('read batch results');
    }
  }
}
