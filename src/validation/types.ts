/** Public shapes of the JSONL validator. Pure: no `vscode` import. */

export type JsonlFormat = 'instruct' | 'pretrain' | 'classifier' | 'batch' | 'unknown';
export type IntendedPurpose = 'fine-tune' | 'batch';
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** 1-based line. */
  line: number;
  /** 1-based column of the first character of the offending key or value (in UTF-16 code units, as editors count). */
  column: number;
  endLine: number;
  /** 1-based, exclusive. */
  endColumn: number;
  severity: Severity;
  /** Stable rule code, e.g. "last-message-not-assistant". */
  code: string;
  message: string;
  hint?: string;
}

export interface ValidationSummary {
  lines: number;
  records: number;
  errors: number;
  warnings: number;
  bytes: number;
  messagesByRole: Record<string, number>;
  recordsWithTools: number;
  /** Tokens as Mistral's v3 tokenizer counts what is sent (see tokenEstimateMethod); an estimate when tokensCountedWith says so. */
  estimatedTokens: number;
  tokensCountedWith: 'v3-tokenizer' | 'estimate';
  tokenEstimateMethod: string;
  /** True when diagnostics were counted but not all stored (maxDiagnostics reached). */
  truncated: boolean;
}

export interface ValidationResult {
  format: JsonlFormat;
  summary: ValidationSummary;
  /** Sorted by line then column; at most maxDiagnostics entries. */
  diagnostics: Diagnostic[];
}

export interface ValidationOptions {
  /** Overrides format detection. */
  purpose?: IntendedPurpose;
  /** Stop storing diagnostics after this many (still counted). Default 1000. */
  maxDiagnostics?: number;
  /** validateFile only: rejects with an Error named 'AbortError' (validateText is synchronous). */
  signal?: AbortSignal;
  /** validateFile only: called with bytes processed so far and total bytes; the last call is (total, total). */
  onProgress?: (processedBytes: number, totalBytes: number) => void;
  /** File name used for file-level checks (extension rule); validateFile passes the path. */
  fileName?: string;
  /** Worker threads for large files; 0 disables. Default: based on size and cores. */
  workers?: number;
  /** Bytes read per chunk (a chunk always ends on a line boundary). Default 1 MB. Mostly for tests. */
  chunkBytes?: number;
  /**
   * How tokens are counted. 'exact': Mistral's v3 tokenizer (about 18 MB/s, so a 500 MB file takes half a minute);
   * 'estimate' (default): characters / 3.3 plus the control tokens, as fast as the rules. Validate JSONL File and the
   * CLI's validate ask for 'exact'; the check before an upload and live validation do not show tokens.
   */
  tokens?: 'exact' | 'estimate';
}
