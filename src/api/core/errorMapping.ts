/** Turns HTTP answers and socket failures into MistralApiError with text a person understands, and keeps the key out. */
import { MistralApiError, asError } from './errors';

/**
 * What a request's path names. A 404 on a collection means the base URL is wrong; on one resource, that it is gone.
 * A new kind of resource adds its name here.
 */
export type ApiTarget = 'collection' | 'file' | 'batch-job';

const NOT_FOUND: Record<Exclude<ApiTarget, 'collection'>, string> = {
  file: 'File not found',
  'batch-job': 'Batch job not found',
};

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Replaces the key (and any bearer token, basic credentials or user:password in a URL) wherever it could have been
 * echoed: server messages, request ids, undici errors, a proxy's answer.
 */
export function scrubSecret(text: string, secret: string | undefined): string {
  let result = text;
  if (secret && secret.length >= 4) result = result.split(secret).join('***');
  return redactUrlCredentials(result.replace(/((?:bearer|basic)\s+)[^\s"',;]+/gi, '$1***'));
}

/** "https://me:pw@host/x" → "https://***@host/x", anywhere in a text: credentials in a URL are never shown or logged. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, '$1***@');
}

/**
 * A copy of `err` with every text that may come from the network (message, Mistral's message, request id,
 * operation, cause) scrubbed of the key; `extra` sets the outcome flags the transport learns late.
 */
export function maskError(
  err: MistralApiError,
  secret: string | undefined,
  extra: { mayHaveApplied?: boolean; earlierAttemptMayHaveApplied?: boolean } = {},
): MistralApiError {
  const scrub = (text: string | undefined): string | undefined => (text === undefined ? undefined : scrubSecret(text, secret));
  return new MistralApiError({
    kind: err.kind,
    message: scrubSecret(err.message, secret),
    status: err.status,
    apiMessage: scrub(err.apiMessage),
    requestId: scrub(err.requestId),
    operation: scrub(err.operation),
    retryAfterMs: err.retryAfterMs,
    mayHaveApplied: extra.mayHaveApplied ?? err.mayHaveApplied,
    earlierAttemptMayHaveApplied: extra.earlierAttemptMayHaveApplied ?? err.earlierAttemptMayHaveApplied,
    cause: scrubbedCause(err.cause, secret),
  });
}

/** Mistral's own words from an error body: `message`, a `detail` string, or `detail[]` entries as "field: msg". */
export function extractApiMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.message === 'string' && record.message.trim()) return record.message.trim();
  const detail = record.detail;
  if (typeof detail === 'string' && detail.trim()) return detail.trim();
  if (Array.isArray(detail)) {
    const parts = detail
      .map((entry) => describeDetailEntry(entry))
      .filter((part): part is string => part !== undefined);
    if (parts.length > 0) return parts.join('; ');
  }
  if (record.error && typeof record.error === 'object') return extractApiMessage(record.error);
  if (typeof record.error === 'string' && record.error.trim()) return record.error.trim();
  return undefined;
}

function describeDetailEntry(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry === null || typeof entry !== 'object') return undefined;
  const { msg, loc } = entry as { msg?: unknown; loc?: unknown };
  if (typeof msg !== 'string') return undefined;
  const field = fieldFromLoc(loc);
  return field ? `${field}: ${msg}` : msg;
}

/** FastAPI's loc is ["body", "purpose"] or ["query", "expiry"]; the first element only says where, not what. */
function fieldFromLoc(loc: unknown): string | undefined {
  if (!Array.isArray(loc)) return undefined;
  const parts = loc.filter((part) => typeof part === 'string' || typeof part === 'number').map(String);
  if (parts.length > 1 && ['body', 'query', 'path', 'header', 'form'].includes(parts[0])) parts.shift();
  return parts.length > 0 ? parts.join('.') : undefined;
}

/** Ids are opaque tokens: anything longer is not an id, and is cut rather than carried into every log line. */
const REQUEST_ID_MAX_CHARS = 200;

/** The request id, with the key masked (a proxy may reflect the Authorization header into it) and kept short. */
export function requestIdFrom(body: unknown, headers: HeaderBag, secret?: string): string | undefined {
  const clean = (id: string): string => {
    const masked = scrubSecret(id, secret);
    return masked.length > REQUEST_ID_MAX_CHARS ? `${masked.slice(0, REQUEST_ID_MAX_CHARS)}…` : masked;
  };
  if (body && typeof body === 'object') {
    const id = (body as Record<string, unknown>).request_id;
    if (typeof id === 'string' && id) return clean(id);
  }
  for (const name of ['x-request-id', 'request-id', 'mistral-correlation-id', 'x-kong-request-id']) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first) return clean(first);
  }
  return undefined;
}

export interface HttpFailure {
  status: number;
  body: unknown;
  headers: HeaderBag;
  operation: string;
  /** What the path names, so a 404 can say "File not found" only when a file was asked for. */
  target: ApiTarget;
  retryAfterMs: number | undefined;
  secret: string | undefined;
}

export function httpError(failure: HttpFailure): MistralApiError {
  const rawApiMessage = extractApiMessage(failure.body);
  const apiMessage = rawApiMessage === undefined ? undefined : scrubSecret(rawApiMessage, failure.secret);
  return new MistralApiError({
    kind: 'http',
    status: failure.status,
    message: messageForStatus(failure.status, apiMessage, failure.target, failure.retryAfterMs),
    apiMessage,
    requestId: requestIdFrom(failure.body, failure.headers, failure.secret),
    operation: failure.operation,
    retryAfterMs: failure.retryAfterMs,
  });
}

function messageForStatus(
  status: number,
  apiMessage: string | undefined,
  target: ApiTarget,
  retryAfterMs: number | undefined,
): string {
  const suffix = apiMessage ? `: ${apiMessage}` : '';
  switch (status) {
    case 401:
      return 'Invalid API key (401)';
    case 403:
      return `Access denied by Mistral (403)${suffix}`;
    case 404:
      return target === 'collection' ? 'Not found (404): check the base URL' : NOT_FOUND[target];
    case 413:
      return `Mistral refused the file as too large (413)${suffix}`;
    case 422:
      return `Mistral rejected the request (422)${suffix}`;
    case 429:
      return `Rate limited by Mistral (429); try again ${whenToRetry(retryAfterMs)}`;
    case 500:
      return `Mistral had an internal error (500)${suffix}; try again later`;
    case 502:
    case 504:
      return `Mistral's gateway failed (${status}); try again later`;
    case 503:
      return `Mistral is unavailable (503); try again ${whenToRetry(retryAfterMs)}`;
    default:
      return status >= 400 && status < 500
        ? `Mistral rejected the request (${status})${suffix}`
        : `Mistral answered with an unexpected status ${status}${suffix}`;
  }
}

function whenToRetry(retryAfterMs: number | undefined): string {
  if (retryAfterMs === undefined || retryAfterMs > 45_000) return 'in a minute';
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
}

const CONNECT_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ETIMEDOUT: 'connection timed out',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain contains a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate issuer is not trusted',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not match the host name',
  MISTRAL_NOT_LOOPBACK: 'the name does not resolve to this machine, and plain http is only allowed for localhost',
};

const INTERRUPTED_REASONS: Record<string, string> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed by the server',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the transfer stalled',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'the answer was shorter than announced',
};

/** Connection errors before any answer: the message names the host so a wrong base URL or proxy is obvious. */
export function networkError(err: unknown, displayOrigin: string, operation: string, secret: string | undefined): MistralApiError {
  const code = errorCode(err);
  const connectReason = code ? CONNECT_REASONS[code] : undefined;
  const interruptedReason = code ? INTERRUPTED_REASONS[code] : undefined;
  let message: string;
  if (connectReason) message = `Cannot reach ${displayOrigin}: ${connectReason}`;
  else if (interruptedReason) message = `The connection to ${displayOrigin} was interrupted: ${interruptedReason}`;
  else message = `Cannot reach ${displayOrigin}: ${scrubSecret(describeUnknown(err), secret)}`;
  return new MistralApiError({ kind: 'network', message, operation, cause: scrubbedCause(err, secret) });
}

export function abortedError(operation: string): MistralApiError {
  return new MistralApiError({ kind: 'aborted', message: 'Cancelled', operation });
}

/**
 * Cancelled once the whole request had gone out and before the answer came: the service may well have acted on it.
 * Saying only "Cancelled" would be untrue for an upload that stored the file.
 */
export function abortedAfterSendError(operation: string): MistralApiError {
  return new MistralApiError({
    kind: 'aborted',
    message: 'Cancelled after the whole request was sent: Mistral may have completed it (an upload may be stored); check the file list before trying again',
    operation,
    mayHaveApplied: true,
  });
}

/** The call's overall deadline passed (a server that never answers, or trickles its answer). Final: not retried. */
export function deadlineError(displayOrigin: string, operation: string, deadlineMs: number): MistralApiError {
  const seconds = Math.max(1, Math.round(deadlineMs / 1000));
  const cause = Object.assign(new Error(`deadline of ${seconds} s passed`), { code: 'MISTRAL_DEADLINE' });
  return new MistralApiError({ kind: 'network', message: `No complete answer from ${displayOrigin} within ${seconds} s`, operation, cause });
}

/** The code of an error or of the error it wraps (undici nests the socket error in `cause`). */
export function errorCode(err: unknown): string | undefined {
  for (let current = err, depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECT_REASONS[code] || INTERRUPTED_REASONS[code])) return code;
    current = (current as { cause?: unknown }).cause;
  }
  const top = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof top === 'string' ? top : undefined;
}

function describeUnknown(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/**
 * A plain copy of the failure (name, code, message, one level of cause) with the key scrubbed. undici's own
 * error objects hold sockets and request state; handing them on would let a log serializer reach headers.
 */
export function scrubbedCause(err: unknown, secret: string | undefined, depth = 0): Error | undefined {
  if (err === undefined || err === null) return undefined;
  const source = asError(err);
  const inner = depth < 2 ? scrubbedCause((source as { cause?: unknown }).cause, secret, depth + 1) : undefined;
  const copy = new Error(scrubSecret(source.message, secret), inner ? { cause: inner } : undefined);
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') (copy as { code?: string }).code = code;
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

export function invalidRequest(message: string, operation?: string): MistralApiError {
  return new MistralApiError({ kind: 'invalid-request', message, operation });
}

export function unexpectedResponse(operation: string, status: number, problem: string): MistralApiError {
  return new MistralApiError({
    kind: 'http',
    status,
    message: `Mistral sent an unexpected answer to ${operation}: ${problem}`,
    operation,
  });
}
