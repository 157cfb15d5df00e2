/** One chunk of a file, validated on its own: what a worker thread does (and the main thread when there are no workers). */
import { ChunkValidator, type ChunkResult } from './chunk';
import type { IntendedPurpose } from './types';

export interface ChunkJob {
  seq: number;
  buffer: ArrayBuffer;
  byteOffset: number;
  byteLength: number;
  purpose?: IntendedPurpose;
  tokens?: 'exact' | 'estimate';
  budget: number;
}

export interface ChunkReply {
  seq: number;
  result: ChunkResult;
  /** The job's bytes, handed back so a chunk can be re-checked when a value spills into it. */
  buffer: ArrayBuffer;
  byteOffset: number;
  byteLength: number;
}

/** Lines are numbered from 1 within the chunk; the merger shifts them. A value left open is returned as `carry`. */
export function runChunkJob(job: ChunkJob): ChunkReply {
  const validator = new ChunkValidator({ purpose: job.purpose, tokens: job.tokens, budget: job.budget, lineOffset: 0 });
  validator.pushBytes(new Uint8Array(job.buffer, job.byteOffset, job.byteLength));
  return { seq: job.seq, result: validator.finish(false), buffer: job.buffer, byteOffset: job.byteOffset, byteLength: job.byteLength };
}
