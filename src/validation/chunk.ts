/**
 * Validates a run of whole lines. The same code runs on the main thread (state carried from
 * chunk to chunk) and in workers (one fresh validator per chunk, lines numbered from 1 and
 * shifted when merged). The only state that crosses a chunk boundary is a pretty-printed value
 * still open at the end of a chunk (`carry`).
 */
import { isUtf8 } from 'node:buffer';
import { invalidUtf8Column } from './decode';
import { JsonLocator, locate, scanJson, type PathSegment, type ScanState } from './jsonScan';
import { checkRecord, effectiveKind, kindKey, recordKind, type RecordKind } from './recordRules';
import { isPlainObject, type Part, type RecordReporter, type RecordTallies } from './report';
import { severityOf, type RuleCode } from './rules';
import { recordTokens } from './tokenCount';
import { estimateCounter, textCounter } from './tokenizer';
import type { Diagnostic, IntendedPurpose } from './types';

/** Where a record's format key is: mixed-format diagnostics point at it. */
export interface KindPosition {
  line: number;
  column: number;
  endColumn: number;
}

export interface KindTally {
  count: number;
  /** The first records of this kind, as many as the diagnostic budget (the kind may turn out to be a minority one). */
  positions: KindPosition[];
}

/** A value that started on `startLine` and has not closed yet (a pretty-printed object, or a truncated line). */
export interface PendingValue {
  startLine: number;
  startColShift: number;
  /** Where the value starts on its first line, and that line's length. */
  firstIndent: number;
  firstLength: number;
  lineCount: number;
  lastLength: number;
  state: ScanState;
}

/** Batch requests in line order, columnar so a million of them stay cheap to clone between threads. */
export interface BatchEntries {
  ids: (string | null)[];
  lines: number[];
  columns: number[];
  endColumns: number[];
}

export interface ChunkResult {
  lines: number;
  nonBlankLines: number;
  records: number;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
  messagesByRole: Record<string, number>;
  recordsWithTools: number;
  tokens: number;
  /** False when the tokenizer's vocabulary could not be loaded and `tokens` is the estimate. */
  tokensExact: boolean;
  kinds: Record<RecordKind, KindTally>;
  batch: BatchEntries;
  carry: PendingValue | null;
}

export interface ChunkOptions {
  purpose?: IntendedPurpose;
  /** See ValidationOptions.tokens. */
  tokens?: 'exact' | 'estimate';
  /** How many diagnostics this validator may store (it counts all of them). */
  budget: number;
  /** Number of the line before the first line pushed. */
  lineOffset: number;
  /** Added to columns on the first line (a BOM kept in the text by validateText). */
  firstLineColShift?: number;
  carry?: PendingValue | null;
}

export function emptyKindTally(): KindTally {
  return { count: 0, positions: [] };
}

export function emptyChunkResult(): ChunkResult {
  return {
    lines: 0,
    nonBlankLines: 0,
    records: 0,
    errors: 0,
    warnings: 0,
    diagnostics: [],
    messagesByRole: {},
    recordsWithTools: 0,
    tokens: 0,
    tokensExact: true,
    kinds: { instruct: emptyKindTally(), pretrain: emptyKindTally(), classifier: emptyKindTally(), batch: emptyKindTally() },
    batch: { ids: [], lines: [], columns: [], endColumns: [] },
    carry: null,
  };
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Lines inside a pretty-printed value are indented, blank, or close a bracket. */
function isContinuation(text: string): boolean {
  if (text.length === 0) return true;
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) return true;
  const trimmed = text.trimStart();
  return trimmed.startsWith('}') || trimmed.startsWith(']');
}

/** The longest line validateFile decodes and checks (a 50 MB document sent as base64 in a batch request fits). */
export const MAX_LINE_BYTES = 128 * 1024 * 1024;

export class ChunkValidator implements RecordReporter {
  private readonly result = emptyChunkResult();
  private readonly tallies: RecordTallies;
  private lineNo: number;
  private readonly firstLineColShift: number;
  private pending: PendingValue | null;
  // The line being checked, for position lookups when a rule fires.
  private currentText = '';
  private currentLine = 0;
  private currentShift = 0;
  private locator: JsonLocator | null = null;

  constructor(private readonly options: ChunkOptions) {
    this.lineNo = options.lineOffset;
    this.firstLineColShift = options.firstLineColShift ?? 0;
    this.pending = options.carry ?? null;
    this.tallies = this.result;
  }

  /** `text` holds whole lines separated by \n (the last one may lack its \n only at the end of the input). */
  pushText(text: string): void {
    const n = text.length;
    let pos = 0;
    while (pos < n) {
      const newline = text.indexOf('\n', pos);
      const end = newline < 0 ? n : newline;
      this.pushLine(text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end), undefined);
      pos = end + 1;
    }
  }

  /**
   * The same for UTF-8 bytes. Lines are decoded one by one: short strings die young, where one
   * string per chunk would sit in the large-object space until a full GC (measured: lower peak RSS).
   */
  pushBytes(bytes: Uint8Array): void {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const allValid = isUtf8(buffer);
    const n = buffer.length;
    let pos = 0;
    while (pos < n) {
      const newline = buffer.indexOf(10, pos);
      const end = newline < 0 ? n : newline;
      const lineEnd = end > pos && buffer[end - 1] === 13 ? end - 1 : end;
      const badColumn = allValid ? undefined : invalidUtf8Column(buffer.subarray(pos, lineEnd));
      this.pushLine(buffer.toString('utf8', pos, lineEnd), badColumn);
      pos = end + 1;
    }
  }

  /**
   * A line the reader did not decode because it is longer than MAX_LINE_BYTES: it is counted and reported, so the
   * lines after it keep their numbers and memory stays bounded whatever the file holds.
   */
  pushOverlongLine(bytes: number): void {
    if (this.pending) this.abandonPending();
    this.lineNo++;
    this.result.lines++;
    this.result.nonBlankLines++;
    const megabytes = Math.ceil(bytes / (1024 * 1024)).toLocaleString('en-US');
    this.store('line-too-long', this.lineNo, 1, this.lineNo, 2, `This line is ${megabytes} MB long; lines over ${MAX_LINE_BYTES / (1024 * 1024)} MB are not checked`, 'Put one record per line; no single record is this large');
  }

  private pushLine(text: string, badUtf8Column: number | undefined): void {
    this.lineNo++;
    this.result.lines++;
    const shift = this.lineNo === 1 ? this.firstLineColShift : 0;
    if (badUtf8Column !== undefined) {
      this.store('utf8-invalid', this.lineNo, badUtf8Column + shift, this.lineNo, badUtf8Column + shift + 1, 'The line contains bytes that are not valid UTF-8', 'Save the file as UTF-8');
    }
    this.acceptLine(text, this.lineNo, shift);
  }

  /** Ends the chunk. At the end of the input a still-open value is resolved; otherwise it is handed on as `carry`. */
  finish(endOfInput: boolean): ChunkResult {
    if (this.pending && endOfInput) this.abandonPending();
    this.result.carry = this.pending;
    return this.result;
  }

  private acceptLine(text: string, lineNo: number, shift: number): void {
    const pending = this.pending;
    if (!pending) {
      this.checkLine(text, lineNo, shift);
      return;
    }
    if (!isContinuation(text)) {
      this.abandonPending();
      this.checkLine(text, lineNo, shift);
      return;
    }
    pending.lineCount++;
    pending.lastLength = text.length;
    if (!isBlank(text)) this.result.nonBlankLines++;
    const outcome = scanJson(text, pending.state);
    if (outcome.status === 'incomplete') {
      pending.state = outcome.state;
      return;
    }
    this.pending = null;
    const span = `${lineNo - pending.startLine + 1} lines`;
    this.store(
      'pretty-printed',
      pending.startLine,
      1 + pending.startColShift,
      lineNo,
      text.length + 1 + shift,
      `This JSON value is spread over ${span}; JSONL needs each record on a single line`,
      'Write one record per line without indentation: json.dumps(record) in Python, JSON.stringify(record) in JavaScript',
    );
    if (outcome.status === 'error') {
      this.store('json-syntax', lineNo, outcome.offset + 1 + shift, lineNo, outcome.endOffset + 1 + shift, outcome.message);
    }
  }

  /**
   * The open value never closed. On one line it is a truncated record; over several (indented)
   * lines it is a pretty-printed record cut short: one error for the whole span either way,
   * rather than one per line.
   */
  private abandonPending(): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    const column = pending.firstIndent + 1 + pending.startColShift;
    const hint = 'Each record must be one complete JSON object on its own line';
    if (pending.lineCount === 1) {
      this.store('json-syntax', pending.startLine, column, pending.startLine, pending.firstLength + 1 + pending.startColShift, 'The line ends before the JSON value is complete (truncated line?)', hint);
      return;
    }
    const lastLine = pending.startLine + pending.lineCount - 1;
    this.store('json-syntax', pending.startLine, column, lastLine, pending.lastLength + 1, `This JSON value spreads over ${pending.lineCount} lines and is never completed (a pretty-printed record cut short?)`, hint);
  }

  private checkLine(text: string, lineNo: number, shift: number): void {
    if (isBlank(text)) {
      this.store('blank-line', lineNo, 1 + shift, lineNo, text.length + 1 + shift, 'Empty line between records: mistral-finetune\'s validate_data.py rejects it', 'Remove empty lines (every line must be a record), or run: mistral-files validate --fix');
      return;
    }
    this.result.nonBlankLines++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const outcome = scanJson(text);
      if (outcome.status === 'incomplete' && outcome.state.stack.length > 0) {
        const firstIndent = text.length - text.trimStart().length;
        this.pending = { startLine: lineNo, startColShift: shift, firstIndent, firstLength: text.length, lineCount: 1, lastLength: text.length, state: outcome.state };
        return;
      }
      if (outcome.status === 'complete') {
        // The scanner accepted what V8 refused: report V8's words rather than guess.
        this.store('json-syntax', lineNo, 1 + shift, lineNo, text.length + 1 + shift, (error as SyntaxError).message || 'Invalid JSON');
      } else {
        const start = outcome.status === 'incomplete' ? Math.max(0, text.trimEnd().length - 1) : outcome.offset;
        const end = outcome.status === 'incomplete' ? text.length : outcome.endOffset;
        this.store('json-syntax', lineNo, start + 1 + shift, lineNo, Math.max(end, start + 1) + 1 + shift, outcome.message);
      }
      return;
    }
    this.currentText = text;
    this.currentLine = lineNo;
    this.currentShift = shift;
    this.locator = null;
    if (!isPlainObject(value)) {
      this.report('record-not-object', [], 'value', `Each line must be a JSON object, not ${Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a string' : String(value)}`);
      return;
    }
    this.result.records++;
    const detected = recordKind(value);
    const kind = effectiveKind(detected, this.options.purpose);
    if (kind !== null) this.tallyKind(kind, value);
    const outcome = checkRecord(value, kind, this, this.tallies);
    const counter = this.options.tokens === 'exact' ? textCounter() : estimateCounter;
    this.result.tokensExact &&= counter.exact;
    try {
      this.result.tokens += recordTokens(value, kind, counter);
    } catch {
      // Counting is best effort on data the rules already reported; it must never stop validation.
    }
    if (kind === 'batch') this.addBatchEntry(text, lineNo, shift, outcome.customId);
  }

  private tallyKind(kind: RecordKind, record: Record<string, unknown>): void {
    const tally = this.result.kinds[kind];
    tally.count++;
    if (tally.positions.length >= this.options.budget) return;
    const found = this.locate([kindKey(kind, record)]) ?? this.locate([]);
    const start = found?.keyStart ?? 0;
    const end = found?.keyEnd ?? this.currentText.length;
    tally.positions.push({ line: this.currentLine, column: start + 1 + this.currentShift, endColumn: end + 1 + this.currentShift });
  }

  private addBatchEntry(text: string, lineNo: number, shift: number, id: string | null): void {
    let start = -1;
    let end = -1;
    if (id !== null) {
      // Fast path for what serializers write; the general scanner otherwise.
      for (const prefix of ['{"custom_id":"', '{"custom_id": "']) {
        if (text.startsWith(prefix) && text.startsWith(id, prefix.length) && text.charCodeAt(prefix.length + id.length) === 34) {
          start = prefix.length - 1;
          end = prefix.length + id.length + 1;
          break;
        }
      }
      if (start < 0) {
        const found = this.locate(['custom_id']);
        if (found) {
          start = found.valueStart;
          end = found.valueEnd;
        }
      }
    }
    if (start < 0) {
      start = text.length - text.trimStart().length;
      end = start + 1;
    }
    const batch = this.result.batch;
    batch.ids.push(id);
    batch.lines.push(lineNo);
    batch.columns.push(start + 1 + shift);
    batch.endColumns.push(end + 1 + shift);
  }

  /** Looks a path up in the current line, sharing the work between the diagnostics of one line. */
  private locate(path: readonly PathSegment[]): ReturnType<typeof locate> {
    this.locator ??= new JsonLocator(this.currentText);
    return this.locator.locate(path);
  }

  report(code: RuleCode, path: readonly PathSegment[], part: Part, message: string, hint?: string): void {
    if (!this.count(code)) return;
    const text = this.currentText;
    let start = 0;
    let end = text.length;
    // A missing member is shown on the nearest enclosing value that exists.
    for (let depth = path.length; depth >= 0; depth--) {
      const found = this.locate(depth === path.length ? path : path.slice(0, depth));
      if (!found) continue;
      const useKey = depth === path.length && part === 'key' && typeof path[path.length - 1] === 'string';
      start = useKey ? found.keyStart : found.valueStart;
      end = useKey ? found.keyEnd : found.valueEnd;
      break;
    }
    const shift = this.currentShift;
    this.push({ line: this.currentLine, column: start + 1 + shift, endLine: this.currentLine, endColumn: end + 1 + shift, severity: severityOf(code), code, message, ...(hint ? { hint } : {}) });
  }

  private store(code: RuleCode, line: number, column: number, endLine: number, endColumn: number, message: string, hint?: string): void {
    if (!this.count(code)) return;
    this.push({ line, column, endLine, endColumn, severity: severityOf(code), code, message, ...(hint ? { hint } : {}) });
  }

  /** Counts the diagnostic; true when it should also be stored. */
  private count(code: RuleCode): boolean {
    if (severityOf(code) === 'error') this.result.errors++;
    else this.result.warnings++;
    return this.result.diagnostics.length < this.options.budget;
  }

  private push(diagnostic: Diagnostic): void {
    this.result.diagnostics.push(diagnostic);
  }
}

