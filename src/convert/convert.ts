/**
 * Convert a file to Mistral's fine-tuning JSONL, streamed: lines (or CSV rows) are read a megabyte at a time and the
 * output is written through `SafeOutput` (published only when complete), so memory stays bounded whatever the
 * input's size and a good file is never replaced by a partial one. The result is then checked by the validator.
 * Pure: no `vscode` import.
 */
import { open, stat } from 'node:fs/promises';
import { SafeOutput } from '../util/safeOutput';
import { validateFile } from '../validation/index';
import type { Diagnostic, JsonlFormat, ValidationSummary } from '../validation/types';
import type { Converted } from './chat';
import { ConvertInputError, convertCsvRow, mapColumns, readCsvRows, sniffDelimiter, type ColumnMap, type CsvOptions } from './csv';
import { detectSource, type Detection } from './detect';
import { convertJsonRecord, type JsonSource } from './formats';
import { JsonArrayError, JsonArraySplitter } from './jsonArray';
import { isBlank, READ_CHUNK_BYTES, readLineBatches, throwIfAborted } from './lines';
import { ReportBuilder, type ChangeCode, type DropCode, type ReportEntry } from './report';

export type SourceFormat = JsonSource | 'csv';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['auto', 'openai', 'sharegpt', 'alpaca', 'csv'];

export interface ConvertOptions {
  /** Default 'auto': CSV by extension or content, else each JSON record by its keys. */
  from?: SourceFormat;
  csv?: CsvOptions;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Check the output with the validator (default true; never for a pipe or a device, which cannot be read back). */
  validate?: boolean;
  /**
   * Whether the output may replace a file (default true: the CLI's `--out FILE` is replaced if it exists). When
   * false, a file that appears at `output` while the conversion runs is left as it is and the conversion fails.
   */
  overwrite?: boolean;
}

export interface ConvertResult {
  input: string;
  output: string;
  /** What the input was read as. */
  from: SourceFormat;
  detection: Detection;
  /** Records (or CSV data rows) read; blank lines not counted. */
  records: number;
  written: number;
  dropped: number;
  /** False when no record survived: the destination is left untouched. */
  outputWritten: boolean;
  bytesIn: number;
  bytesOut: number;
  changes: ReportEntry<ChangeCode>[];
  droppedEntries: ReportEntry<DropCode>[];
  validation?: { format: JsonlFormat; summary: ValidationSummary; diagnostics: Diagnostic[] };
}

/** Lines per write: JSON.stringify'd records joined once, so the writer sees a few calls per megabyte. */
const WRITE_BATCH_CHARS = 512 * 1024;
/** Problems listed in the report; the counts cover all of them. */
const REPORTED_DIAGNOSTICS = 20;

class OutputLines {
  private parts: string[] = [];
  private chars = 0;
  written = 0;

  constructor(private readonly file: SafeOutput) {}

  async add(result: Converted, line: number, report: ReportBuilder): Promise<void> {
    if ('drop' in result) {
      report.drop(result.drop, line, result.detail);
      return;
    }
    const text = JSON.stringify(result.record);
    this.parts.push(text, '\n');
    this.chars += text.length + 1;
    this.written++;
    if (this.chars >= WRITE_BATCH_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    await this.file.write(text);
  }
}

export async function convertFile(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  throwIfAborted(options.signal);
  const size = (await stat(input)).size;
  const detection = await detectSource(input);
  let from = options.from ?? 'auto';
  if (from === 'auto' && detection.format === 'csv') from = 'csv';
  const report = new ReportBuilder();
  const file = await SafeOutput.open(output, {
    overwrite: options.overwrite !== false,
    during: 'the conversion',
    advice: 'convert again and allow replacing it, or choose another name',
  });
  const out = new OutputLines(file);
  let records = 0;
  try {
    if (from === 'csv') records = await convertCsv(input, detection, options, out, report, size);
    else if (detection.array) records = await convertJsonArray(input, from, options, out, report, size);
    else records = await convertJsonLines(input, from, options, out, report, size);
    await out.flush();
    throwIfAborted(options.signal);
    if (out.written > 0) await file.commit();
    else await file.discard();
  } catch (err) {
    await file.discard();
    throw err;
  }
  options.onProgress?.(size, size);
  const { changes, dropped } = report.entries();
  const result: ConvertResult = {
    input,
    output,
    from,
    detection,
    records,
    written: out.written,
    dropped: report.droppedCount,
    outputWritten: out.written > 0,
    bytesIn: size,
    bytesOut: out.written > 0 ? file.bytes : 0,
    changes,
    droppedEntries: dropped,
  };
  if (result.outputWritten && options.validate !== false && file.kind === 'file') {
    const validation = await validateFile(output, { purpose: 'fine-tune', signal: options.signal });
    result.validation = { format: validation.format, summary: validation.summary, diagnostics: validation.diagnostics.slice(0, REPORTED_DIAGNOSTICS) };
  }
  return result;
}

async function convertJsonLines(input: string, from: JsonSource, options: ConvertOptions, out: OutputLines, report: ReportBuilder, size: number): Promise<number> {
  const handle = await open(input, 'r');
  let records = 0;
  try {
    for await (const batch of readLineBatches(handle, { signal: options.signal, onBom: () => report.change('bom-removed', 1) })) {
      for (let i = 0; i < batch.lines.length; i++) {
        const bytes = batch.lines[i];
        const line = batch.firstLine + i;
        if (isBlank(bytes)) {
          report.change('blank-line-skipped', line);
          continue;
        }
        records++;
        let value: unknown;
        try {
          value = JSON.parse(bytes.toString('utf8'));
        } catch {
          report.drop('json-invalid', line);
          continue;
        }
        await out.add(convertJsonRecord(value, from, line, report), line, report);
      }
      options.onProgress?.(batch.bytesRead, size);
    }
  } finally {
    await handle.close();
  }
  return records;
}

async function convertJsonArray(input: string, from: JsonSource, options: ConvertOptions, out: OutputLines, report: ReportBuilder, size: number): Promise<number> {
  const handle = await open(input, 'r');
  const splitter = new JsonArraySplitter();
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let records = 0;
  let position = 0;
  try {
    for (;;) {
      throwIfAborted(options.signal);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      for (const element of splitter.push(buffer.subarray(0, bytesRead))) {
        records++;
        let value: unknown;
        try {
          value = JSON.parse(element.text);
        } catch {
          report.drop('json-invalid', element.line);
          continue;
        }
        await out.add(convertJsonRecord(value, from, element.line, report), element.line, report);
      }
      options.onProgress?.(position, size);
    }
    splitter.finish();
  } catch (err) {
    if (err instanceof JsonArrayError) throw new ConvertInputError(`The file cannot be read as a JSON array: ${err.message}`);
    throw err;
  } finally {
    await handle.close();
  }
  return records;
}

async function convertCsv(input: string, detection: Detection, options: ConvertOptions, out: OutputLines, report: ReportBuilder, size: number): Promise<number> {
  const delimiter = options.csv?.delimiter ?? detection.delimiter ?? sniffDelimiter(input, '');
  if (delimiter.length !== 1) throw new ConvertInputError(`The delimiter must be one character, not "${delimiter}"`);
  let columns: ColumnMap | undefined;
  let records = 0;
  const rows = readCsvRows(input, delimiter, {
    signal: options.signal,
    onHeader: (header) => (columns = mapColumns(header, options.csv)),
    onBytes: (bytes) => options.onProgress?.(Math.min(bytes, size), size),
  });
  for await (const { row, line } of rows) {
    records++;
    await out.add(convertCsvRow(row, columns as ColumnMap, line, report), line, report);
  }
  return records;
}

export { ConvertInputError };
