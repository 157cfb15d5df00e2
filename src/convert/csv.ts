/**
 * CSV and TSV rows as chat records, streamed with csv-parse (quoted fields, embedded newlines, a BOM, any delimiter).
 * No Mistral tool reads CSV, so the columns are found by name: the prompt in prompt/instruction/question/user/…,
 * an optional input beside an instruction (Alpaca's layout), the answer in completion/response/output/answer/…, an
 * optional system prompt; or a `messages` column holding a JSON chat; or a lone `text` column (pretrain).
 * Pure: no `vscode` import.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { Converted } from './chat';
import { convertJsonRecord, promptAndAnswer } from './formats';
import { throwIfAborted } from './lines';
import type { ReportBuilder } from './report';
import type { Json } from './tools';

export class ConvertInputError extends Error {}

export interface CsvOptions {
  /** One character; by default from the extension (.tsv → tab) or the header line. */
  delimiter?: string;
  userColumn?: string;
  assistantColumn?: string;
  systemColumn?: string;
}

const USER_NAMES = ['prompt', 'instruction', 'question', 'user', 'query', 'human', 'input'];
const ASSISTANT_NAMES = ['completion', 'response', 'output', 'answer', 'assistant', 'gpt', 'target'];
const SYSTEM_NAMES = ['system', 'system_prompt', 'system prompt'];

export interface ColumnMap {
  kind: 'prompt' | 'messages' | 'text';
  user?: number;
  input?: number;
  assistant?: number;
  system?: number;
  messages?: number;
  text?: number;
}

function findColumn(headers: string[], names: readonly string[]): number | undefined {
  for (const name of names) {
    const index = headers.indexOf(name);
    if (index >= 0) return index;
  }
  return undefined;
}

function chosenColumn(headers: string[], raw: string[], wanted: string | undefined, what: string): number | undefined {
  if (wanted === undefined) return undefined;
  const index = headers.indexOf(wanted.trim().toLowerCase());
  if (index < 0) throw new ConvertInputError(`There is no ${what} column "${wanted}"; the header has ${raw.map((h) => `"${h}"`).join(', ')}`);
  return index;
}

/** Which column is what, from the header row (names compared without case). */
export function mapColumns(rawHeaders: string[], options: CsvOptions = {}): ColumnMap {
  const headers = rawHeaders.map((h) => h.trim().toLowerCase());
  const user = chosenColumn(headers, rawHeaders, options.userColumn, 'prompt') ?? findColumn(headers, USER_NAMES);
  const assistant = chosenColumn(headers, rawHeaders, options.assistantColumn, 'answer') ?? findColumn(headers, ASSISTANT_NAMES);
  const system = chosenColumn(headers, rawHeaders, options.systemColumn, 'system') ?? findColumn(headers, SYSTEM_NAMES);
  if (user !== undefined && assistant !== undefined && user !== assistant) {
    const input = headers[user] === 'instruction' ? findColumn(headers, ['input', 'context']) : undefined;
    return { kind: 'prompt', user, assistant, system, input: input === user ? undefined : input };
  }
  const messages = findColumn(headers, ['messages', 'conversations']);
  if (messages !== undefined) return { kind: 'messages', messages };
  const text = findColumn(headers, ['text', 'content']);
  if (text !== undefined) return { kind: 'text', text };
  throw new ConvertInputError(
    `Cannot tell the prompt and answer columns apart: the header has ${rawHeaders.map((h) => `"${h}"`).join(', ')}. ` +
      'Name them "prompt" and "completion" (or instruction/output, question/answer, user/assistant), or choose them with --user-column and --assistant-column.',
  );
}

export function convertCsvRow(row: string[], columns: ColumnMap, line: number, report: ReportBuilder): Converted {
  const cell = (index: number | undefined): string | undefined => (index === undefined ? undefined : row[index]);
  if (columns.kind === 'messages') {
    const text = cell(columns.messages) ?? '';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { drop: 'json-invalid' };
    }
    return convertJsonRecord(Array.isArray(parsed) ? { messages: parsed } : parsed, 'auto', line, report);
  }
  if (columns.kind === 'text') {
    const text = cell(columns.text) ?? '';
    return text.trim() === '' ? { drop: 'output-empty' } : { record: { text } };
  }
  report.change('csv-mapped', line);
  const messages: Json[] = [];
  const system = cell(columns.system);
  if (system !== undefined && system.trim() !== '') messages.push({ role: 'system', content: system });
  return promptAndAnswer(messages, cell(columns.user), cell(columns.input), cell(columns.assistant), line, report);
}

/** Tab if the first line has more tabs than commas, else comma, unless the extension says. */
export function sniffDelimiter(path: string, firstLine: string): string {
  if (/\.(tsv|tab)$/i.test(path)) return '\t';
  if (/\.csv$/i.test(path)) return ',';
  const count = (ch: string): number => firstLine.split(ch).length - 1;
  if (count('\t') > count(',')) return '\t';
  return count(';') > count(',') ? ';' : ',';
}

export interface CsvRow {
  row: string[];
  /** The row's first line in the file (1-based). */
  line: number;
}

/** Yields the data rows after the header, which `onHeader` receives first. */
export async function* readCsvRows(
  path: string,
  delimiter: string,
  options: { signal?: AbortSignal; onHeader: (header: string[]) => void; onBytes?: (bytesRead: number) => void },
): AsyncGenerator<CsvRow> {
  const input = createReadStream(path, { highWaterMark: 1024 * 1024 });
  input.on('data', () => options.onBytes?.(input.bytesRead));
  const parser = parse({ bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, info: true });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let header = true;
  let previousEnd = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      throwIfAborted(options.signal);
      const start = previousEnd + 1;
      previousEnd = item.info.lines;
      if (header) {
        header = false;
        options.onHeader(item.record);
        continue;
      }
      yield { row: item.record, line: start };
    }
  } catch (err) {
    const message = (err as { code?: string }).code?.startsWith('CSV_') ? `The CSV cannot be read: ${(err as Error).message}` : undefined;
    if (message) throw new ConvertInputError(message);
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (header) throw new ConvertInputError('The CSV file is empty: it needs a header row and at least one data row');
}

/** The header row alone, to ask which column is which before converting. */
export async function readCsvHeader(path: string, delimiter: string): Promise<string[]> {
  let header: string[] = [];
  const rows = readCsvRows(path, delimiter, { onHeader: (found) => (header = found) });
  try {
    await rows.next();
  } finally {
    await rows.return(undefined);
  }
  return header;
}
