/**
 * The one error type every API call rejects with. Its `message` is short and written for a person
 * ("Invalid API key (401)", "File not found", "File is 600 MB; the limit is 512 MB"); it never contains the API key.
 */
export type ApiErrorKind =
  /** The service answered with a non-2xx status. */
  | 'http'
  /** No answer: connection refused, reset, DNS, TLS, timeout. */
  | 'network'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** Refused locally before a byte was sent (file over the limit, bad base URL, plain http to a remote host…). */
  | 'invalid-request';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  message: string;
  status?: number;
  /** Mistral's own message (`message`, a `detail` string, or `detail[].msg` joined with their `loc`). */
  apiMessage?: string;
  requestId?: string;
  /** Method and path (no query string, no host credentials) for the log. */
  operation?: string;
  retryAfterMs?: number;
  /**
   * The request may have taken effect although this call failed: it was cancelled after the whole request had
   * been sent, so the service may have acted on it (an upload may have stored the file).
   */
  mayHaveApplied?: boolean;
  /** An earlier attempt of this call lost its answer after the request went out, so it may have taken effect. */
  earlierAttemptMayHaveApplied?: boolean;
  cause?: unknown;
}

export class MistralApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly apiMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly operation: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly mayHaveApplied: boolean;
  readonly earlierAttemptMayHaveApplied: boolean;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'MistralApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.apiMessage = init.apiMessage;
    this.requestId = init.requestId;
    this.operation = init.operation;
    this.retryAfterMs = init.retryAfterMs;
    this.mayHaveApplied = init.mayHaveApplied === true;
    this.earlierAttemptMayHaveApplied = init.earlierAttemptMayHaveApplied === true;
  }

  /** Full detail for a log line: status, Mistral's message, request id. */
  describe(): string {
    const parts = [this.message];
    if (this.operation) parts.push(`op=${this.operation}`);
    if (this.status !== undefined) parts.push(`status=${this.status}`);
    if (this.apiMessage && !this.message.includes(this.apiMessage)) parts.push(`api="${this.apiMessage}"`);
    if (this.requestId) parts.push(`request_id=${this.requestId}`);
    return parts.join(' ');
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof MistralApiError ? err.kind === 'aborted' : err instanceof Error && err.name === 'AbortError';
}

/** The service refused the key itself (401, or 403 for a key without access): fixed by setting another key. */
export function isKeyRejection(err: unknown): boolean {
  return err instanceof MistralApiError && err.kind === 'http' && (err.status === 401 || err.status === 403);
}

/** The text to show or log for anything thrown: an Error's message, or the value itself. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Anything thrown, as an Error (a thrown string or object is wrapped), for `cause` chains and stack traces. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
