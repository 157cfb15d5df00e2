/**
 * Random access to a batch job's results joined to its requests by custom_id, for a table that shows a page at a
 * time. Like joinBatchResults (join.ts) the files are streamed once to a staging folder and indexed by byte range.
 * Lines in the shape Mistral writes (`{"id","custom_id","response":{"status_code":2xx,…},"error":null}`, inputs
 * `{"custom_id","body":…}`) are indexed from their first and last bytes without parsing; any other line (every
 * failure, unusual shapes) is parsed as it passes. A row's one-line request and response summaries are read back and
 * parsed the first time they are shown (or filtered or sorted on), so opening a 200 MB job costs the byte ranges
 * and the failures, not the parsed files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abortedError } from '../core/errorMapping';
import { classify, isRecord, newJoinStats, type JoinSources, type JoinStats, type JoinStatus, type LineSource } from './join';
import { isBlank, splitLines, WindowedReader } from './lines';
import { requestSummary, responseSummary, responseTokens } from './resultSummary';
import { compareKeys, HEAD_BYTES, IdChains, inBatches, INPUT_HEAD, parseJson, quickSuccess, writeAll } from './resultsTableSupport';

export interface ResultRow {
  /** 0-based position in input order (result-file order when the job's inputs are unknown). */
  index: number;
  custom_id: string | null;
  status: JoinStatus;
  status_code: number | null;
  request: string;
  response: string;
  tokens: number | null;
  error: string | null;
}

export interface RowDetail {
  index: number;
  custom_id: string | null;
  status: JoinStatus;
  status_code: number | null;
  /** The input line's `body`, parsed; undefined when the inputs are unknown. */
  request: unknown;
  /** The result line's `response.body`. */
  response: unknown;
  error: { message: string; [key: string]: unknown } | null;
}

export type SortKey = 'index' | 'custom_id' | 'status' | 'status_code' | 'tokens' | 'request' | 'response' | 'error';

export interface RowQuery {
  /** Case-insensitive; matched against custom_id, request, response and error. */
  text?: string;
  /** Only these statuses; all when empty or absent. */
  statuses?: readonly JoinStatus[];
  /** Only rows failing with exactly this message (an error group). */
  error?: string;
  sort?: SortKey;
  descending?: boolean;
}

export interface ErrorGroup {
  message: string;
  count: number;
}

export interface OpenTableOptions {
  signal?: AbortSignal;
  /** Where the files are staged; default the OS temp folder. Removed by close(). */
  tempDir?: string;
  /** Bytes staged so far, across all files. */
  onProgress?: (bytes: number) => void;
}

const STATUSES: readonly JoinStatus[] = ['succeeded', 'failed', 'missing'];
/** Sort order of the status column: what needs attention first. */
const STATUS_RANK: Record<JoinStatus, number> = { failed: 0, missing: 1, succeeded: 2 };
const NO_ID = '\u0000no-custom-id';
const NO_RESULT = 'No result for this request';

interface Staged {
  handle: fs.promises.FileHandle;
  /** Synchronous reads for summaries: the staged file sits in the page cache (see WindowedReader). */
  reader: WindowedReader;
}


export class ResultsTable {
  readonly stats: JoinStats = newJoinStats();
  /** True when the job's input files were read: rows are requests, and failed ones can be sent again. */
  readonly hasInputs: boolean;

  private readonly files: Staged[] = [];
  private readonly messages: string[] = [];
  private readonly messageIds = new Map<string, number>();
  // Result lines, by entry number.
  private readonly resFile: number[] = [];
  private readonly resOffset: number[] = [];
  private readonly resLength: number[] = [];
  private readonly resId: (string | null)[] = [];
  private readonly resStatus: number[] = [];
  private readonly resCode: (number | null)[] = [];
  /** Filled when first needed (undefined until then). */
  private readonly resResponse: (string | undefined)[] = [];
  private readonly resTokens: (number | null)[] = [];
  private readonly resError: number[] = [];
  // Rows: one per input request (or per result line when the inputs are unknown).
  private readonly rowFile: number[] = [];
  private readonly rowOffset: number[] = [];
  private readonly rowLength: number[] = [];
  private readonly rowId: (string | null)[] = [];
  /** Filled when first needed (undefined until then). */
  private readonly rowRequest: (string | undefined)[] = [];
  private readonly rowResult: number[] = [];
  private readonly rowError: number[] = [];

  private summariesReady = false;

  private constructor(private readonly dir: string, hasInputs: boolean) {
    this.hasInputs = hasInputs;
  }

  /** Stages and indexes the files; close() the table when done with it. */
  static async open(sources: JoinSources, options: OpenTableOptions = {}): Promise<ResultsTable> {
    const { signal } = options;
    if (signal?.aborted) throw abortedError('open batch results');
    const dir = await fs.promises.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'mistral-batch-results-'));
    const table = new ResultsTable(dir, sources.inputs.length > 0);
    try {
      await table.build(sources, options);
      return table;
    } catch (err) {
      await table.close();
      throw err;
    }
  }

  get rowCount(): number {
    return this.rowId.length;
  }

  row(index: number): ResultRow {
    const entry = this.rowResult[index];
    const error = this.rowError[index];
    // Before the tokens: a summary made now also fills in the tokens.
    const response = entry === -1 ? '' : this.responseOf(entry);
    return {
      index,
      custom_id: this.rowId[index],
      status: this.statusOf(index),
      status_code: entry === -1 ? null : this.resCode[entry],
      request: this.requestOf(index),
      response,
      tokens: entry === -1 ? null : this.resTokens[entry],
      error: error === -1 ? null : this.messages[error],
    };
  }

  /** The row's full request and response, read back from the staged files. */
  async detail(index: number): Promise<RowDetail> {
    const row = this.row(index);
    let request: unknown;
    if (this.rowFile[index] !== -1) {
      const input = parseJson(await this.read(this.rowFile[index], this.rowOffset[index], this.rowLength[index]));
      request = isRecord(input) ? (input.body ?? null) : null;
    }
    const entry = this.rowResult[index];
    if (entry === -1) {
      return { index, custom_id: row.custom_id, status: row.status, status_code: null, request, response: null, error: row.error === null ? null : { message: row.error } };
    }
    const result = classify(parseJson(await this.read(this.resFile[entry], this.resOffset[entry], this.resLength[entry])));
    return { index, custom_id: row.custom_id, request, ...result };
  }

  /** The input line of a row, as it was (undefined when the inputs are unknown or the row is out of range). */
  async inputLine(index: number): Promise<Buffer | undefined> {
    if (index < 0 || index >= this.rowCount || this.rowFile[index] === -1) return undefined;
    return Buffer.from(await this.read(this.rowFile[index], this.rowOffset[index], this.rowLength[index]));
  }

  /**
   * Makes every summary a query needs (a text filter or a sort on request, response or tokens), in file order so the
   * reads are sequential, yielding to the event loop between batches: the extension host never stalls on a large job.
   */
  async prepare(query: RowQuery, signal?: AbortSignal): Promise<void> {
    const needs = (query.text?.trim() ?? '') !== '' || query.sort === 'request' || query.sort === 'response' || query.sort === 'tokens';
    if (signal?.aborted) throw abortedError('read batch results');
    if (!needs || this.summariesReady) return;
    await inBatches(this.resFile.length, (entry) => this.responseOf(entry), signal);
    await inBatches(this.rowCount, (index) => this.requestOf(index), signal);
    this.summariesReady = true;
  }

  /** Row indices matching `query`, in its order. Call prepare(query) first on large tables. */
  query(query: RowQuery = {}): Int32Array {
    const statuses = query.statuses && query.statuses.length > 0 ? new Set(query.statuses.map((s) => STATUSES.indexOf(s))) : undefined;
    const needle = query.text?.trim().toLowerCase() ?? '';
    const errorId = query.error === undefined ? undefined : (this.messageIds.get(query.error) ?? -2);
    const matches: number[] = [];
    for (let index = 0; index < this.rowCount; index++) {
      if (statuses && !statuses.has(this.statusCode(index))) continue;
      if (errorId !== undefined && this.rowError[index] !== errorId) continue;
      if (needle !== '' && !this.haystack(index).includes(needle)) continue;
      matches.push(index);
    }
    const sort = query.sort ?? 'index';
    if (sort !== 'index') {
      // Keys computed once per row, not per comparison: a sort of 100,000 rows makes ~2 million comparisons.
      const key = this.sortKey(sort);
      const keys = new Map<number, string | number | null>(matches.map((index) => [index, key(index)]));
      matches.sort((a, b) => compareKeys(keys.get(a) ?? null, keys.get(b) ?? null) || a - b);
    }
    if (query.descending) matches.reverse();
    return Int32Array.from(matches);
  }

  /** Failed and missing requests grouped by error message, most frequent first. */
  errorGroups(): ErrorGroup[] {
    const counts = new Map<number, number>();
    for (let index = 0; index < this.rowCount; index++) {
      const error = this.rowError[index];
      if (error !== -1 && this.statusCode(index) !== 0) counts.set(error, (counts.get(error) ?? 0) + 1);
    }
    return [...counts.entries()]
      .map(([id, count]) => ({ message: this.messages[id], count }))
      .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
  }

  /** Rows that did not succeed, in input order. */
  unsuccessfulRows(): number[] {
    const rows: number[] = [];
    for (let index = 0; index < this.rowCount; index++) if (this.statusCode(index) !== 0) rows.push(index);
    return rows;
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((file) => file.handle.close().catch(() => undefined)));
    this.files.length = 0;
    await fs.promises.rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async build(sources: JoinSources, options: OpenTableOptions): Promise<void> {
    const { signal } = options;
    const check = (): void => {
      if (signal?.aborted) throw abortedError('open batch results');
    };
    let staged = 0;
    const chains = new IdChains();
    for (const source of sources.results) {
      await this.stage(source, signal, (bytes) => options.onProgress?.((staged += bytes)), (file, bytes, offset) => {
        const quick = quickSuccess(bytes);
        if (quick) {
          chains.add(quick.id, this.addResult(file, offset, bytes.length, quick.id, 0, quick.statusCode, undefined, null, -1));
          return;
        }
        const line = parseJson(bytes);
        const id = isRecord(line) && line.custom_id != null && typeof line.custom_id !== 'object' ? String(line.custom_id) : null;
        if (!isRecord(line) || (line.custom_id != null && id === null)) {
          this.stats.unreadableResults++;
          return;
        }
        const result = classify(line);
        const error = result.error ? this.intern(result.error.message) : -1;
        const status = STATUSES.indexOf(result.status);
        chains.add(id ?? NO_ID, this.addResult(file, offset, bytes.length, id, status, result.status_code, responseSummary(result.response), responseTokens(result.response), error));
      });
      check();
    }
    if (sources.inputs.length === 0) {
      for (let entry = 0; entry < this.resFile.length; entry++) this.addRow(-1, 0, 0, this.resId[entry], '', entry, this.resError[entry]);
    }
    for (const source of sources.inputs) {
      await this.stage(source, signal, (bytes) => options.onProgress?.((staged += bytes)), (file, bytes, offset, number) => {
        const head = INPUT_HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));
        // The documented shape needs no parse now: its summary is made when the row is first shown.
        const input = head ? null : parseJson(bytes);
        const id = head ? String(JSON.parse(head[1])) : isRecord(input) && input.custom_id != null ? String(input.custom_id) : null;
        const request = head ? undefined : isRecord(input) ? requestSummary(input.body ?? null) : '';
        const entry = chains.take(id ?? NO_ID);
        let error = entry === -1 ? -1 : this.resError[entry];
        if (entry === -1) {
          error = this.intern(
            input === undefined
              ? `Line ${number} of ${source.name} is not valid JSON, and no result matches it`
              : id === null ? `Line ${number} of ${source.name} has no custom_id, so its result cannot be matched` : NO_RESULT,
          );
        }
        this.addRow(file, offset, bytes.length, id, request, entry, error);
      });
      check();
    }
    this.stats.requests = this.rowCount;
    for (let index = 0; index < this.rowCount; index++) this.stats[this.statusOf(index)]++;
    let claimed = 0;
    for (const entry of this.rowResult) if (entry !== -1) claimed++;
    this.stats.unmatchedResults = this.resFile.length - claimed;
  }

  private addResult(
    file: number, offset: number, length: number, id: string | null, status: number, code: number | null, summary: string | undefined,
    tokens: number | null, error: number,
  ): number {
    const entry = this.resFile.length;
    this.resFile.push(file);
    this.resOffset.push(offset);
    this.resLength.push(length);
    this.resId.push(id);
    this.resStatus.push(status);
    this.resCode.push(code);
    this.resResponse.push(summary);
    this.resTokens.push(tokens);
    this.resError.push(error);
    return entry;
  }

  private requestOf(index: number): string {
    let summary = this.rowRequest[index];
    if (summary === undefined) {
      const input = parseJson(this.readSync(this.rowFile[index], this.rowOffset[index], this.rowLength[index]));
      summary = isRecord(input) ? requestSummary(input.body ?? null) : '';
      this.rowRequest[index] = summary;
    }
    return summary;
  }

  private responseOf(entry: number): string {
    let summary = this.resResponse[entry];
    if (summary === undefined) {
      const line = parseJson(this.readSync(this.resFile[entry], this.resOffset[entry], this.resLength[entry]));
      const body = isRecord(line) && isRecord(line.response) ? line.response.body : null;
      summary = responseSummary(body);
      this.resResponse[entry] = summary;
      this.resTokens[entry] = responseTokens(body);
    }
    return summary;
  }

  private readSync(file: number, offset: number, length: number): Buffer {
    return this.files[file].reader.read(offset, length);
  }

  private addRow(file: number, offset: number, length: number, id: string | null, request: string | undefined, entry: number, error: number): void {
    this.rowFile.push(file);
    this.rowOffset.push(offset);
    this.rowLength.push(length);
    this.rowId.push(id);
    this.rowRequest.push(request);
    this.rowResult.push(entry);
    this.rowError.push(error);
  }

  /** Copies a source to the staging folder, calling `onLine` for each non-blank line with its byte range there. */
  private async stage(
    source: LineSource,
    signal: AbortSignal | undefined,
    onBytes: (bytes: number) => void,
    onLine: (file: number, bytes: Buffer, offset: number, number: number) => void,
  ): Promise<void> {
    const file = this.files.length;
    const handle = await fs.promises.open(path.join(this.dir, `${file}.jsonl`), 'w+');
    this.files.push({ handle, reader: new WindowedReader(handle, 256 * 1024) });
    const stream = (await source.open(signal)) as AsyncIterable<Buffer>;
    for await (const line of splitLines(stream, async (chunk) => {
      await writeAll(handle, chunk);
      onBytes(chunk.length);
    })) {
      if ((line.number & 1023) === 0 && signal?.aborted) throw abortedError('open batch results');
      if (!isBlank(line.bytes)) onLine(file, line.bytes, line.offset, line.number);
    }
  }

  private async read(file: number, offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.files[file].handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  }

  private intern(message: string): number {
    let id = this.messageIds.get(message);
    if (id === undefined) {
      id = this.messages.length;
      this.messages.push(message);
      this.messageIds.set(message, id);
    }
    return id;
  }

  /** 0 succeeded, 1 failed, 2 missing (indices into STATUSES). */
  private statusCode(index: number): number {
    const entry = this.rowResult[index];
    return entry === -1 ? 2 : this.resStatus[entry];
  }

  private statusOf(index: number): JoinStatus {
    return STATUSES[this.statusCode(index)];
  }

  private haystack(index: number): string {
    const row = this.row(index);
    return `${row.custom_id ?? ''}\n${row.request}\n${row.response}\n${row.error ?? ''}`.toLowerCase();
  }

  private sortKey(sort: Exclude<SortKey, 'index'>): (index: number) => string | number | null {
    if (sort === 'status') return (index) => STATUS_RANK[this.statusOf(index)];
    return (index) => this.row(index)[sort];
  }
}
