/**
 * Merges chunk results in line order into one ValidationResult and adds what only the whole
 * file can tell: its format, mixed formats, duplicate custom_ids, the request limit, and the
 * file-level checks (BOM, empty, size, extension).
 */
import { MAX_FILE_BYTES } from '../api/files/types';
import { formatMegabytes } from '../util/format';
import { emptyKindTally, type ChunkResult, type KindTally } from './chunk';
import { KIND_KEY, missingKeyDiagnostic, RECORD_KINDS, type RecordKind } from './recordRules';
import { MAX_BATCH_REQUESTS, severityOf, TOKEN_COUNT_METHOD, TOKEN_ESTIMATE_METHOD, type RuleCode } from './rules';
import type { Diagnostic, IntendedPurpose, JsonlFormat, ValidationResult } from './types';

export const DEFAULT_MAX_DIAGNOSTICS = 1000;

export interface FileFacts {
  bytes: number;
  fileName?: string;
  /** The file started with a UTF-8 byte order mark. */
  bom: boolean;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column;
}

function makeDiagnostic(code: RuleCode, line: number, column: number, endColumn: number, message: string, hint?: string): Diagnostic {
  return { line, column, endLine: line, endColumn, severity: severityOf(code), code, message, ...(hint ? { hint } : {}) };
}

export class ResultMerger {
  private lines = 0;
  private nonBlankLines = 0;
  private records = 0;
  private errors = 0;
  private warnings = 0;
  private recordsWithTools = 0;
  private tokens = 0;
  private tokensExact = true;
  private readonly messagesByRole: Record<string, number> = {};
  private readonly kinds: Record<RecordKind, KindTally> = {
    instruct: emptyKindTally(),
    pretrain: emptyKindTally(),
    classifier: emptyKindTally(),
    batch: emptyKindTally(),
  };
  /** Order in which kinds first appeared, to break ties when detecting the format. */
  private readonly kindOrder: RecordKind[] = [];
  private readonly stored: Diagnostic[] = [];
  private readonly firstLineOfId = new Map<string, number>();
  private batchRequests = 0;

  constructor(
    private readonly maxDiagnostics: number,
    private readonly purpose: IntendedPurpose | undefined,
  ) {}

  /** Lines merged so far: the offset of the next chunk's lines. */
  get lineCount(): number {
    return this.lines;
  }

  /** How many more diagnostics are worth storing; given to chunks as their budget. */
  get remainingBudget(): number {
    return Math.max(0, this.maxDiagnostics - this.stored.length);
  }

  /** Adds the next chunk in file order; `lineShift` converts its line numbers to file lines. */
  add(chunk: ChunkResult, lineShift: number): void {
    this.lines += chunk.lines;
    this.nonBlankLines += chunk.nonBlankLines;
    this.records += chunk.records;
    this.errors += chunk.errors;
    this.warnings += chunk.warnings;
    this.recordsWithTools += chunk.recordsWithTools;
    this.tokens += chunk.tokens;
    this.tokensExact &&= chunk.tokensExact;
    for (const [role, count] of Object.entries(chunk.messagesByRole)) this.messagesByRole[role] = (this.messagesByRole[role] ?? 0) + count;
    for (const diagnostic of chunk.diagnostics) {
      diagnostic.line += lineShift;
      diagnostic.endLine += lineShift;
    }
    // The chunk's own problems and the cross-line ones it revealed compete for the cap by position, first kept.
    const batch = this.batchDiagnostics(chunk, lineShift);
    const incoming = batch.length > 0 ? [...chunk.diagnostics, ...batch].sort(compareDiagnostics) : chunk.diagnostics;
    for (const diagnostic of incoming) {
      if (this.stored.length >= this.maxDiagnostics) break;
      this.stored.push(diagnostic);
    }
    for (const kind of RECORD_KINDS) {
      const from = chunk.kinds[kind];
      if (from.count === 0) continue;
      const into = this.kinds[kind];
      if (into.count === 0) this.kindOrder.push(kind);
      into.count += from.count;
      for (const position of from.positions) {
        if (into.positions.length >= this.maxDiagnostics) break;
        into.positions.push({ ...position, line: position.line + lineShift });
      }
    }
  }

  /** Duplicate custom_ids and the request over the limit, counted here; storing them is the caller's. */
  private batchDiagnostics(chunk: ChunkResult, lineShift: number): Diagnostic[] {
    const found: Diagnostic[] = [];
    const { ids, lines, columns, endColumns } = chunk.batch;
    for (let k = 0; k < ids.length; k++) {
      this.batchRequests++;
      const line = lines[k] + lineShift;
      if (this.batchRequests === MAX_BATCH_REQUESTS + 1) {
        found.push(this.counted(makeDiagnostic('too-many-requests', line, columns[k], endColumns[k], `Request ${MAX_BATCH_REQUESTS + 1}: a batch file holds at most ${MAX_BATCH_REQUESTS.toLocaleString('en-US')} requests`, 'Split the requests over several batch files')));
      }
      const id = ids[k];
      if (id === null) continue;
      const firstLine = this.firstLineOfId.get(id);
      if (firstLine === undefined) this.firstLineOfId.set(id, line);
      else found.push(this.counted(makeDiagnostic('custom-id-duplicate', line, columns[k], endColumns[k], `custom_id ${JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}…` : id)} is already used on line ${firstLine}`, 'Give each request its own custom_id so results can be matched to requests')));
    }
    return found;
  }

  private counted(diagnostic: Diagnostic): Diagnostic {
    if (diagnostic.severity === 'error') this.errors++;
    else this.warnings++;
    return diagnostic;
  }

  private detectFormat(): JsonlFormat {
    if (this.purpose === 'batch') return 'batch';
    let best: RecordKind | null = null;
    for (const kind of this.kindOrder) if (best === null || this.kinds[kind].count > this.kinds[best].count) best = kind;
    if (best !== null) return best;
    if (this.purpose === 'fine-tune' && this.records > 0) return 'instruct';
    return 'unknown';
  }

  finish(facts: FileFacts): ValidationResult {
    const format = this.detectFormat();
    const fileLevel: Diagnostic[] = [];
    const addFileLevel = (diagnostic: Diagnostic): void => {
      if (diagnostic.severity === 'error') this.errors++;
      else this.warnings++;
      fileLevel.push(diagnostic);
    };
    const missing = missingKeyDiagnostic(format);
    if (missing) {
      for (const diagnostic of this.stored) {
        if (diagnostic.code !== 'record-unrecognized') continue;
        diagnostic.code = missing.code;
        diagnostic.message = missing.message;
      }
    }
    // Every record of a minority format is reported at its own line, as validate_data.py does.
    for (const kind of RECORD_KINDS) {
      const tally = this.kinds[kind];
      if (kind === format || tally.count === 0) continue;
      this.errors += tally.count;
      const counted = `${tally.count} ${kind} record${tally.count === 1 ? '' : 's'}`;
      const message = `A ${kind} record ("${KIND_KEY[kind]}") in ${format === 'instruct' ? 'an' : 'a'} ${format} file: ${counted} among ${this.records} records`;
      for (const at of tally.positions) {
        this.stored.push(makeDiagnostic('mixed-formats', at.line, at.column, at.endColumn, message, 'Keep one format per file: instruct conversations, pretrain texts, classifier data or batch requests'));
      }
    }
    if (facts.bom) addFileLevel(makeDiagnostic('bom', 1, 1, 2, 'The file starts with a byte order mark (BOM): mistral-finetune\'s validate_data.py rejects it', 'Save the file as UTF-8 without BOM (the quick fix does it)'));
    if (this.nonBlankLines === 0) addFileLevel(makeDiagnostic('file-empty', 1, 1, 1, 'The file is empty', 'Add at least one record, one JSON object per line'));
    if (facts.bytes > MAX_FILE_BYTES) {
      addFileLevel(makeDiagnostic('file-too-large', 1, 1, 1, `The file is ${formatMegabytes(facts.bytes)}; Mistral accepts at most ${formatMegabytes(MAX_FILE_BYTES)} per file`, 'Split it into several files'));
    }
    const fineTune = this.purpose === 'fine-tune' || (this.purpose === undefined && (format === 'instruct' || format === 'pretrain'));
    if (fineTune && facts.fileName !== undefined && !/\.jsonl$/i.test(facts.fileName)) {
      addFileLevel(makeDiagnostic('file-extension', 1, 1, 1, 'Fine-tuning files must have the .jsonl extension', 'Rename the file to end in .jsonl'));
    }
    // File-level problems are few and decisive, so they are kept first; line problems fill the rest.
    const kept = fileLevel.sort(compareDiagnostics).slice(0, this.maxDiagnostics);
    const lineLevel = this.stored.sort(compareDiagnostics).slice(0, this.maxDiagnostics - kept.length);
    const diagnostics = [...kept, ...lineLevel].sort(compareDiagnostics);
    return {
      format,
      summary: {
        lines: this.lines,
        records: this.records,
        errors: this.errors,
        warnings: this.warnings,
        bytes: facts.bytes,
        messagesByRole: this.messagesByRole,
        recordsWithTools: this.recordsWithTools,
        estimatedTokens: this.tokens,
        tokensCountedWith: this.tokensExact ? 'v3-tokenizer' : 'estimate',
        tokenEstimateMethod: this.tokensExact ? TOKEN_COUNT_METHOD : TOKEN_ESTIMATE_METHOD,
        truncated: this.errors + this.warnings > diagnostics.length,
      },
      diagnostics,
    };
  }
}
