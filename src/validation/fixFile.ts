/**
 * Applies every quick fix to a whole file, streamed line by line, for `mistral-files validate --fix`. The output is
 * written by the safe-output rules (src/util/safeOutput.ts): a temp file beside it, synced and renamed over it only
 * when complete, removed on failure or a signal, so a partial file never replaces a good one. The destination is
 * replaced on purpose (the file fixed in place, or `--out`). Lines without a fixable problem are copied byte for byte.
 */
import { createReadStream } from 'node:fs';
import { SafeOutput } from '../util/safeOutput';
import { fixLine, type FixableCode } from './quickFixes';
import { validateText } from './index';
import type { IntendedPurpose } from './types';

export interface FixFileOptions {
  purpose?: IntendedPurpose;
  signal?: AbortSignal;
}

export interface FixFileResult {
  lines: number;
  /** Lines whose text changed (blank lines dropped are counted under "blank-line"). */
  fixedLines: number;
  /** How many lines each fix changed, by rule code; "bom" and "blank-line" for the file-level ones. */
  byCode: Record<string, number>;
}

/** The order fixes run in on one line: legacy calls first (they become tool_calls that later fixes check). */
const ORDER: readonly FixableCode[] = [
  'legacy-function-calling',
  'tool-call-id-invalid',
  'tool-message-call-id-invalid',
  'assistant-content-and-tool-calls',
  'tool-calls-empty-content',
  'tool-description-missing',
  'unknown-key',
  'last-message-not-assistant',
];

const CUSTOM_ID = /"custom_id"\s*:\s*("(?:[^"\\]|\\.)*")/;

async function* lines(path: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  let leftover = Buffer.alloc(0);
  for await (const chunk of createReadStream(path, { signal })) {
    const data = leftover.length > 0 ? Buffer.concat([leftover, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      yield data.subarray(start, nl + 1);
      start = nl + 1;
    }
    leftover = Buffer.from(data.subarray(start));
  }
  if (leftover.length > 0) yield leftover;
}

function customIdOf(text: string): string | null {
  const match = CUSTOM_ID.exec(text);
  if (!match) return null;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return null;
  }
}

export async function fixFile(input: string, output: string, options: FixFileOptions = {}): Promise<FixFileResult> {
  // First pass: every custom_id, so a renumbered duplicate is new to the whole file.
  const usedIds = new Set<string>();
  for await (const raw of lines(input, options.signal)) {
    const id = customIdOf(raw.toString('utf8'));
    if (id !== null) usedIds.add(id);
  }
  const result: FixFileResult = { lines: 0, fixedLines: 0, byCode: {} };
  const count = (code: string): void => {
    result.byCode[code] = (result.byCode[code] ?? 0) + 1;
  };
  const out = await SafeOutput.open(output, { overwrite: true, during: 'the fix', advice: 'run it again' });
  const seenIds = new Set<string>();
  try {
    for await (const raw of lines(input, options.signal)) {
      result.lines++;
      let bytes = raw;
      let changed = false;
      if (result.lines === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        bytes = bytes.subarray(3);
        count('bom');
        changed = true;
      }
      const ending = bytes.length >= 2 && bytes[bytes.length - 2] === 13 && bytes[bytes.length - 1] === 10 ? '\r\n' : bytes[bytes.length - 1] === 10 ? '\n' : '';
      const original = bytes.toString('utf8', 0, bytes.length - ending.length);
      if (original.trim() === '') {
        count('blank-line');
        result.fixedLines++;
        continue;
      }
      const text = fixOneLine(original, options.purpose, usedIds, seenIds, count);
      if (changed || text !== original) result.fixedLines++;
      const full = out.write(text === original ? bytes : Buffer.from(text + ending, 'utf8'));
      if (full) await full;
    }
    await out.commit();
  } finally {
    await out.discard();
  }
  return result;
}

function fixOneLine(original: string, purpose: IntendedPurpose | undefined, usedIds: Set<string>, seenIds: Set<string>, count: (code: string) => void): string {
  let text = original;
  const codes = new Set(validateText(text, { purpose, maxDiagnostics: 10_000 }).diagnostics.map((d) => d.code));
  for (const code of ORDER) {
    if (!codes.has(code)) continue;
    const fixed = fixLine(code, text);
    if (fixed === null) continue;
    text = fixed;
    count(code);
  }
  const id = customIdOf(text);
  if (id !== null) {
    if (seenIds.has(id)) {
      const fixed = fixLine('custom-id-duplicate', text, { usedIds });
      if (fixed !== null) {
        text = fixed;
        count('custom-id-duplicate');
      }
    }
    seenIds.add(customIdOf(text) ?? id);
  }
  return text;
}
