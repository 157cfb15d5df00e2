/**
 * Splitting a JSONL file, streamed and on line boundaries:
 * - into shards under a size (default 500,000,000 bytes: under Mistral's 512 MB upload limit whether MB means 10^6 or
 *   2^20 bytes, https://docs.mistral.ai/api/#tag/files);
 * - and/or into train and validation files, the validation lines drawn at random with a seed. The default size,
 *   min(1 MB, 5%), is the fine-tuning docs' advice (https://docs.mistral.ai/capabilities/finetuning/).
 * Two sequential passes: the first counts lines and bytes, the second draws exactly k lines with selection sampling
 * (Knuth's Algorithm S), so memory stays bounded whatever the file's size and each output keeps the source's order.
 * Every output is written through `SafeOutput`; none replaces an existing file (or one that appears meanwhile) unless
 * `force`.
 * Pure: no `vscode` import.
 */
import { existsSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { OutputError, SafeOutput } from '../util/safeOutput';
import { isBlank, readLineBatches, throwIfAborted } from './lines';

export const DEFAULT_MAX_SHARD_BYTES = 500_000_000;
export const DEFAULT_VALIDATION = { bytes: 1_000_000, fraction: 0.05 } as const;
export const DEFAULT_SEED = 42;

export class SplitInputError extends Error {}

/** An output would replace an existing file: the caller may ask and try again with `force`. */
export class OutputExistsError extends SplitInputError {
  constructor(readonly path: string, message = `${path} already exists; remove it or allow replacing it (--force)`) {
    super(message);
  }
}

export interface SplitOptions {
  /**
   * Outputs are sharded under this many bytes (default DEFAULT_MAX_SHARD_BYTES) when the file is larger: shards are
   * numbered only then. Without a validation split, a file that already fits is an error (nothing to split).
   */
  maxShardBytes?: number;
  /** A validation split: at most `bytes`, at most `fraction` of the file (either may be left out). */
  validation?: { bytes?: number; fraction?: number };
  seed?: number;
  /** Default: the input's folder. */
  outDir?: string;
  /** Replace existing outputs. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface SplitOutput {
  path: string;
  role: 'train' | 'validation' | 'shard';
  lines: number;
  bytes: number;
}

export interface SplitResult {
  input: string;
  lines: number;
  bytes: number;
  blankLines: number;
  seed?: number;
  /** The validation size aimed at, in bytes. */
  validationTarget?: number;
  outputs: SplitOutput[];
}

interface Plan {
  validationLines: number;
  validationTarget?: number;
  maxShardBytes?: number;
}

function stemOf(input: string): string {
  const base = path.basename(input);
  return base.replace(/\.(jsonl|json|ndjson|txt)$/i, '') || base;
}

/** Output names: shards are numbered from 001 when `sharded`. */
export function splitPlan(input: string, options: Pick<SplitOptions, 'outDir' | 'validation'>, sharded: boolean): { names: (index: number) => string; validation?: string } {
  const stem = stemOf(input);
  const dir = options.outDir ?? path.dirname(input);
  const base = options.validation ? `${stem}.train` : stem;
  const names = (index: number): string => path.join(dir, sharded ? `${base}.part-${String(index + 1).padStart(3, '0')}.jsonl` : `${base}.jsonl`);
  return { names, validation: options.validation ? path.join(dir, `${stem}.validation.jsonl`) : undefined };
}

async function countLines(input: string, options: SplitOptions, total: number): Promise<{ lines: number; bytes: number; blank: number; longest: number }> {
  const handle = await open(input, 'r');
  let lines = 0;
  let bytes = 0;
  let blank = 0;
  let longest = 0;
  try {
    for await (const batch of readLineBatches(handle, { signal: options.signal })) {
      for (const line of batch.lines) {
        if (isBlank(line)) blank++;
        else {
          lines++;
          bytes += line.length + 1;
          if (line.length + 1 > longest) longest = line.length + 1;
        }
      }
      options.onProgress?.(batch.bytesRead / 2, total);
    }
  } finally {
    await handle.close();
  }
  return { lines, bytes, blank, longest };
}

/** sfc32, seeded through a string hash: fast, small, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = (): number => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export async function splitFile(input: string, options: SplitOptions = {}): Promise<SplitResult> {
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  if (!(maxShardBytes > 0)) throw new SplitInputError('The shard size must be more than 0 bytes');
  const v = options.validation;
  if (v && ((v.bytes !== undefined && !(v.bytes > 0)) || (v.fraction !== undefined && !(v.fraction > 0 && v.fraction < 1)))) {
    throw new SplitInputError('The validation size must be more than 0 bytes, or a percentage between 0 and 100');
  }
  throwIfAborted(options.signal);
  const size = (await stat(input)).size;
  const counted = await countLines(input, options, size);
  if (counted.lines === 0) throw new SplitInputError('The file has no lines to split');
  const sharded = counted.bytes > maxShardBytes;
  if (!sharded && !v) {
    throw new SplitInputError(`The file (${counted.bytes.toLocaleString('en-US')} bytes) already fits in ${maxShardBytes.toLocaleString('en-US')} bytes: there is nothing to split; choose a smaller shard size or a validation split`);
  }
  if (sharded && counted.longest > maxShardBytes) {
    throw new SplitInputError(`A line of ${counted.longest.toLocaleString('en-US')} bytes does not fit in a shard of ${maxShardBytes.toLocaleString('en-US')} bytes; choose a larger shard size`);
  }
  const plan: Plan = { validationLines: 0, maxShardBytes: sharded ? maxShardBytes : undefined };
  const seed = options.seed ?? DEFAULT_SEED;
  if (v) {
    if (counted.lines < 2) throw new SplitInputError('A train/validation split needs at least 2 records');
    const target = Math.min(v.bytes ?? Number.POSITIVE_INFINITY, v.fraction !== undefined ? v.fraction * counted.bytes : Number.POSITIVE_INFINITY);
    plan.validationTarget = Math.round(target);
    // Lines in proportion to bytes, so the expected validation size is the target; at least one line each side.
    plan.validationLines = Math.min(counted.lines - 1, Math.max(1, Math.round((counted.lines * target) / counted.bytes)));
  }
  const outputs = await writeOutputs(input, options, plan, seed, counted.lines, size);
  return { input, lines: counted.lines, bytes: counted.bytes, blankLines: counted.blank, seed: v ? seed : undefined, validationTarget: plan.validationTarget, outputs };
}

class Output {
  private constructor(readonly info: SplitOutput, readonly file: SafeOutput) {}
  static async create(file: string, role: SplitOutput['role'], force: boolean): Promise<Output> {
    // Lines are views into the read buffer: copied, so the rarely flushed validation output does not pin them all.
    const output = await SafeOutput.open(file, { overwrite: force, during: 'the split', advice: 'remove it or allow replacing it (--force)', copyChunks: true });
    return new Output({ path: file, role, lines: 0, bytes: 0 }, output);
  }
}

async function writeOutputs(input: string, options: SplitOptions, plan: Plan, seed: number, totalLines: number, size: number): Promise<SplitOutput[]> {
  const names = splitPlan(input, options, plan.maxShardBytes !== undefined);
  const opened: Output[] = [];
  const published: string[] = [];
  const wouldReplace: string[] = [];
  const create = async (file: string, role: SplitOutput['role']): Promise<Output> => {
    if (!options.force && existsSync(file)) wouldReplace.push(file);
    if (wouldReplace.length > 0) throw new OutputExistsError(wouldReplace[0]);
    const output = await Output.create(file, role, options.force === true);
    opened.push(output);
    return output;
  };
  const random = seededRandom(seed);
  const handle = await open(input, 'r');
  try {
    const validation = names.validation ? await create(names.validation, 'validation') : undefined;
    const trainRole = validation ? 'train' : 'shard';
    let shardIndex = 0;
    let train = await create(names.names(shardIndex), trainRole);
    let remainingToDraw = plan.validationLines;
    let seen = 0;
    for await (const batch of readLineBatches(handle, { signal: options.signal })) {
      for (const line of batch.lines) {
        if (isBlank(line)) continue;
        const lineBytes = line.length + 1;
        // Algorithm S: draw this line with probability (still needed) / (still to come).
        const drawn = remainingToDraw > 0 && random() * (totalLines - seen) < remainingToDraw;
        seen++;
        let target: Output;
        if (drawn && validation) {
          remainingToDraw--;
          target = validation;
        } else {
          if (plan.maxShardBytes !== undefined && train.info.bytes > 0 && train.info.bytes + lineBytes > plan.maxShardBytes) {
            train = await create(names.names(++shardIndex), trainRole);
          }
          target = train;
        }
        await target.file.write(line);
        await target.file.write(NEWLINE);
        target.info.bytes += lineBytes;
        target.info.lines++;
      }
      options.onProgress?.(size / 2 + batch.bytesRead / 2, size);
    }
    throwIfAborted(options.signal);
    for (const output of opened) {
      await output.file.commit();
      published.push(output.info.path);
    }
    return opened.map((output) => output.info);
  } catch (err) {
    await Promise.all(opened.map((output) => output.file.discard()));
    // All or nothing: without `force` every output was a new name, so one published before a later one failed is the
    // split's own file, and is taken back rather than left as half a result.
    if (!options.force) await Promise.all(published.map((file) => rm(file, { force: true })));
    // An OutputExistsError lets the caller ask "replace?" and run again with `force`, as for one there before.
    if (err instanceof OutputError && err.reason === 'appeared') throw new OutputExistsError(err.path, err.message);
    throw err;
  } finally {
    await handle.close();
  }
}

const NEWLINE = Buffer.from('\n');
