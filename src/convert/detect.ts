/**
 * Which format a file to convert is in, from its extension and a sample of its first records. Only a guess shown to
 * the user and used to choose between JSON Lines and CSV: each JSON record is still converted by its own keys.
 * Pure: no `vscode` import.
 */
import { open } from 'node:fs/promises';
import { recordKind, type RecordKind } from './formats';
import { JsonArraySplitter } from './jsonArray';
import { isObject } from './tools';

export type DetectedFormat = 'openai' | 'sharegpt' | 'alpaca' | 'pretrain' | 'csv' | 'unknown';

export interface Detection {
  format: DetectedFormat;
  /** Records sampled, and how many of each kind (JSON Lines only). */
  sampled: number;
  kinds: Partial<Record<RecordKind, number>>;
  /** For CSV: the delimiter found. */
  delimiter?: string;
  /** The records are the elements of one JSON array, not JSON Lines. */
  array?: boolean;
}

const SAMPLE_BYTES = 256 * 1024;
const SAMPLE_RECORDS = 200;

const KIND_FORMAT: Partial<Record<RecordKind, DetectedFormat>> = {
  chat: 'openai',
  preference: 'openai',
  sharegpt: 'sharegpt',
  alpaca: 'alpaca',
  pretrain: 'pretrain',
};

export async function detectSource(path: string): Promise<Detection> {
  const handle = await open(path, 'r');
  let text: string;
  let whole: boolean;
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
    whole = bytesRead < SAMPLE_BYTES;
    text = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  return detectSample(path, text, whole);
}

/** `text` is the start of the file; unless `whole`, its last line may be cut. */
export function detectSample(path: string, text: string, whole: boolean): Detection {
  const lines = text.split('\n');
  const complete = whole ? lines : lines.slice(0, -1);
  const firstLine = (complete.find((line) => line.trim() !== '') ?? '').replace(/\r$/, '');
  if (/\.(csv|tsv|tab)$/i.test(path)) return { format: 'csv', sampled: 0, kinds: {}, delimiter: /\.csv$/i.test(path) ? ',' : '\t' };
  // JSON Lines records are objects: a file that opens with "[" is one JSON array (how many datasets ship).
  const array = /^\s*\[/.test(text);
  const candidates = array ? arrayElements(text) : complete;
  const kinds: Partial<Record<RecordKind, number>> = {};
  let sampled = 0;
  let notJson = 0;
  for (const line of candidates) {
    if (sampled + notJson >= SAMPLE_RECORDS) break;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      notJson++;
      continue;
    }
    sampled++;
    const kind = isObject(value) ? recordKind(value) : 'unknown';
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  if (sampled === 0) {
    if (array) return { format: 'unknown', sampled, kinds, array };
    if (notJson > 0 && /[,\t;]/.test(firstLine)) {
      const count = (ch: string): number => firstLine.split(ch).length - 1;
      const delimiter = count('\t') > count(',') ? '\t' : count(';') > count(',') ? ';' : ',';
      return { format: 'csv', sampled: 0, kinds, delimiter };
    }
    return { format: 'unknown', sampled: 0, kinds };
  }
  let best: RecordKind = 'unknown';
  let bestCount = 0;
  for (const [kind, count] of Object.entries(kinds) as Array<[RecordKind, number]>) {
    if (kind !== 'unknown' && count > bestCount) [best, bestCount] = [kind, count];
  }
  return { format: KIND_FORMAT[best] ?? 'unknown', sampled, kinds, ...(array ? { array } : {}) };
}

/** The complete elements at the start of an array (the sample may end inside one). */
function arrayElements(text: string): string[] {
  try {
    return new JsonArraySplitter().push(Buffer.from(text, 'utf8')).map((element) => element.text);
  } catch {
    return [];
  }
}
