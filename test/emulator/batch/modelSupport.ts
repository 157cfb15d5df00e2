/** Shared pieces of the emulated models: outcomes, error bodies, hashing and a toy tokenizer. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { ValidationIssue } from '../errors';
import type { FileStore } from '../store';

export type Outcome =
  | { ok: true; body: unknown }
  | { ok: false; status: number; body: unknown; message: string };

export interface FileLookup {
  /** Metadata and content of a live file in the FileStore, or undefined. */
  read(id: string): Promise<{ filename: string; mimetype: string | null; content: Buffer } | undefined>;
}

/** A FileLookup over the emulator's store: what the models read a `file_id` from. */
export function storeFiles(store: FileStore): FileLookup {
  return {
    read: async (id) => {
      const file = store.get(id);
      if (!file) return undefined;
      const content = await fs.readFile(store.blobPath(id)).catch(() => undefined);
      return content && { filename: file.filename, mimetype: file.mimetype, content };
    },
  };
}

export interface ModelContext {
  /** The job's model, else the body's (the job's wins, as litellm reports). */
  model: string;
  agentId: string | null;
  /** Unix seconds used for `created` fields. */
  created: number;
  /** Unique per job and line: ids and pseudo-random values derive from it. */
  seed: string;
  files: FileLookup;
}

export type Body = Record<string, unknown>;
export const isObject = (value: unknown): value is Body => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * What Mistral's inference endpoints answer for a pydantic failure: the FastAPI detail wrapped in their
 * `object: "error"` envelope.
 */
export function invalid(issues: ValidationIssue[]): Outcome {
  const first = issues[0];
  return {
    ok: false,
    status: 422,
    body: { object: 'error', message: { detail: issues }, type: 'invalid_request_error', param: null, code: null },
    message: `${first.msg}: ${first.loc.join('.')}`,
  };
}

export function refused(status: number, message: string, type = 'invalid_request_error', code: string | null = null): Outcome {
  return { ok: false, status, body: { object: 'error', message, type, param: null, code }, message };
}

export const missing = (field: string, input: unknown): ValidationIssue => ({ type: 'missing', loc: ['body', field], msg: 'Field required', input });
export const wrongType = (loc: (string | number)[], input: unknown, what: string): ValidationIssue =>
  ({ type: `${what}_type`, loc, msg: `Input should be a valid ${what === 'dict' ? 'dictionary' : what}`, input });

export function hashHex(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Deterministic numbers in [0, 1) from a seed (SHA-256 in counter mode). */
export function* unitFloats(seed: string): Generator<number> {
  for (let block = 0; ; block++) {
    const digest = createHash('sha256').update(`${seed}#${block}`).digest();
    for (let i = 0; i + 4 <= digest.length; i += 4) yield digest.readUInt32BE(i) / 2 ** 32;
  }
}

export function takeFloats(seed: string, count: number): number[] {
  const out: number[] = [];
  for (const value of unitFloats(seed)) {
    if (out.length === count) break;
    out.push(value);
  }
  return out;
}

/** A UUID v4-shaped id derived from a seed, so a resumed job writes the same lines. */
export function derivedUuid(seed: string): string {
  const hex = hashHex('uuid', seed);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Words and punctuation marks: close enough to a BPE count for plausible usage figures. */
export function countTokens(text: string): number {
  return text.match(/[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu)?.length ?? 0;
}

export function firstTokens(text: string, limit: number): string {
  const tokens = text.match(/\s*(?:[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_])/gu) ?? [];
  return tokens.slice(0, limit).join('').trim();
}

/** The text of a message `content`: a string, or the `text` of its text chunks. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((chunk) => (isObject(chunk) && typeof chunk.text === 'string' ? chunk.text : '')).filter((t) => t !== '').join(' ');
}

/** `input` of embeddings, moderations and classifications: a string or a non-empty list of strings. */
export function stringInputs(body: Body, issues: ValidationIssue[]): string[] {
  const input = body.input;
  if (input === undefined) {
    issues.push(missing('input', body));
    return [];
  }
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0 || input.some((item) => typeof item !== 'string')) {
    issues.push({ type: 'string_type', loc: ['body', 'input'], msg: 'Input should be a valid string or a non-empty list of strings', input });
    return [];
  }
  return input as string[];
}

export function usage(promptTokens: number, completionTokens: number): Record<string, number> {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function optionalNonNegativeInt(body: Body, field: string, issues: ValidationIssue[]): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.push({ type: 'int_type', loc: ['body', field], msg: 'Input should be a valid integer', input: value });
    return undefined;
  }
  if (value < 0) {
    issues.push({ type: 'greater_than_equal', loc: ['body', field], msg: 'Input should be greater than or equal to 0', input: value, ctx: { ge: 0 } });
    return undefined;
  }
  return value;
}
