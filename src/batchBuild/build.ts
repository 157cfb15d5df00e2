/**
 * Batch input files from data: one request per CSV/TSV/JSONL row through a body template with `{{column}}`
 * placeholders, one chat request per line of a text file, or one OCR / transcription request per file of a folder
 * (each file uploaded with its purpose and referred to by file id). Lines follow the batch format of Mistral's Batch
 * API (https://docs.mistral.ai/capabilities/batch/): `{"custom_id": "...", "body": {...}}`; the model may sit in the
 * body when the job does not name it. OCR bodies use the FileChunk `{"type": "file", "file_id"}` of the OCR API.
 * Pure: no `vscode` import.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'csv-parse';
import { isBlank, splitLines } from '../api/batch/lines';
import { abortedError } from '../api/core/errorMapping';

export class BuildInputError extends Error {}

export type Row = Record<string, unknown>;

export interface BatchLine {
  custom_id: string;
  body: unknown;
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([^{}]+?)\s*\}\}$/;

/** The `{{column}}` names a template uses, in order of first use. */
export function placeholders(template: unknown): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const match of value.matchAll(PLACEHOLDER)) names.add(match[1]);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.entries(value).forEach(([key, inner]) => (walk(key), walk(inner)));
  };
  walk(template);
  return [...names];
}

function cell(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The template with its placeholders filled from `row`. A string that is exactly one placeholder takes the row's value
 * as it is (a JSONL row's number or object stays one); elsewhere values are inserted as text.
 */
export function fillTemplate(template: unknown, row: Row): unknown {
  const lookup = (name: string): unknown => {
    if (!(name in row)) throw new BuildInputError(`The template uses {{${name}}}, but the rows have no such column (they have ${Object.keys(row).map((k) => `"${k}"`).join(', ')})`);
    return row[name];
  };
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const whole = WHOLE_PLACEHOLDER.exec(value);
      if (whole) return lookup(whole[1]);
      return value.replace(PLACEHOLDER, (_, name: string) => cell(lookup(name)));
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [fill(key) as string, fill(inner)]));
    return value;
  };
  return fill(template);
}

/** Rows of a CSV/TSV file (header row first; quoted fields, embedded newlines, BOM) or of a JSONL file of objects. */
export async function* readRows(file: string, signal?: AbortSignal): AsyncGenerator<Row> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') {
    for await (const line of splitLines(createReadStream(file))) {
      if (signal?.aborted) throw abortedError('build batch file');
      if (isBlank(line.bytes)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line.bytes.toString('utf8'));
      } catch {
        throw new BuildInputError(`Line ${line.number} of ${path.basename(file)} is not JSON`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BuildInputError(`Line ${line.number} of ${path.basename(file)} is not a JSON object`);
      yield value as Row;
    }
    return;
  }
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, delimiter: ext === '.tsv' || ext === '.tab' ? '\t' : ',', skip_empty_lines: true, relax_quotes: false }));
  try {
    for await (const record of parser as AsyncIterable<Row>) {
      if (signal?.aborted) throw abortedError('build batch file');
      yield record;
    }
  } catch (err) {
    if (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('CSV_')) throw new BuildInputError(`${path.basename(file)}: ${err.message}`);
    throw err;
  }
}

export interface TemplateBuild {
  template: unknown;
  /** Column whose value is the custom_id; by default the row number (1-based). */
  customIdColumn?: string;
  signal?: AbortSignal;
}

/** One request per row; custom_ids must be unique (the service keys results on them). */
export async function* requestsFromRows(rows: AsyncIterable<Row>, options: TemplateBuild): AsyncGenerator<BatchLine> {
  const seen = new Set<string>();
  let number = 0;
  for await (const row of rows) {
    number++;
    let customId = String(number);
    if (options.customIdColumn !== undefined) {
      if (!(options.customIdColumn in row)) throw new BuildInputError(`There is no column "${options.customIdColumn}" for the custom_id (the rows have ${Object.keys(row).map((k) => `"${k}"`).join(', ')})`);
      customId = cell(row[options.customIdColumn]).trim();
      if (customId === '') throw new BuildInputError(`Row ${number} has an empty "${options.customIdColumn}", which the custom_id needs`);
    }
    if (seen.has(customId)) throw new BuildInputError(`custom_id "${customId}" (row ${number}) is used twice; every request needs its own`);
    seen.add(customId);
    yield { custom_id: customId, body: fillTemplate(options.template, row) };
  }
}

/** One chat request per non-blank line of a text file; custom_id `prompt-<line>`. */
export async function* requestsFromPrompts(file: string, options: { model?: string; maxTokens?: number; signal?: AbortSignal } = {}): AsyncGenerator<BatchLine> {
  for await (const line of splitLines(createReadStream(file))) {
    if (options.signal?.aborted) throw abortedError('build batch file');
    const prompt = line.bytes.toString('utf8').trim();
    if (prompt === '') continue;
    yield {
      custom_id: `prompt-${line.number}`,
      body: {
        ...(options.model ? { model: options.model } : {}),
        ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
        messages: [{ role: 'user', content: prompt }],
      },
    };
  }
}

export type FolderEndpoint = '/v1/ocr' | '/v1/audio/transcriptions';

/** What each endpoint takes from a folder, and the purpose its files are uploaded with. */
export const FOLDER_ENDPOINTS: Record<FolderEndpoint, { extensions: readonly string[]; purpose: string }> = {
  '/v1/ocr': { extensions: ['.pdf', '.png', '.jpg', '.jpeg', '.avif', '.webp', '.gif', '.tif', '.tiff', '.docx', '.pptx'], purpose: 'ocr' },
  '/v1/audio/transcriptions': { extensions: ['.mp3', '.wav', '.m4a', '.flac', '.ogg', '.webm', '.mp4', '.aac'], purpose: 'audio' },
};

/** The files of a folder (not its subfolders) an endpoint takes, sorted by name. */
export async function folderFiles(folder: string, endpoint: FolderEndpoint): Promise<string[]> {
  const { extensions } = FOLDER_ENDPOINTS[endpoint];
  const entries = await fsp.readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && extensions.includes(path.extname(entry.name).toLowerCase()))
    .map((entry) => path.join(folder, entry.name))
    .sort((a, b) => a.localeCompare(b));
}

/** One request per file, once uploaded: custom_id is the file name (unique within a folder). */
export function requestForFile(endpoint: FolderEndpoint, file: string, fileId: string, model?: string): BatchLine {
  const body = endpoint === '/v1/ocr' ? { document: { type: 'file', file_id: fileId } } : { file_id: fileId };
  return { custom_id: path.basename(file), body: model ? { model, ...body } : body };
}

/** JSONL text of the lines, one per line. */
export async function* jsonlOf(lines: AsyncIterable<BatchLine>): AsyncGenerator<string> {
  for await (const line of lines) yield `${JSON.stringify(line)}\n`;
}
