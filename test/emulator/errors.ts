/**
 * Error bodies as Mistral's service sends them. The Files routes are FastAPI behind a gateway, so
 * validation errors are FastAPI's `detail` arrays and gateway errors use Mistral's `object: "error"` shape.
 */

export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function unauthorizedBody(requestId: string): { message: string; request_id: string } {
  return { message: 'Unauthorized', request_id: requestId };
}

export function mistralErrorBody(message: string, type: string, code: string | null = null): Record<string, unknown> {
  return { object: 'error', message, type, param: null, code };
}

export const RATE_LIMIT_BODY = mistralErrorBody('Rate limit exceeded', 'rate_limited', '1300');

/** The body for a status injected by a fault rule, shaped like what the service sends for that status. */
export function bodyForStatus(status: number, requestId: string, pathname = ''): unknown {
  switch (status) {
    case 401: return unauthorizedBody(requestId);
    case 404: return { detail: pathname.startsWith('/v1/batch/') ? 'Batch job not found' : 'File not found' };
    case 413: return tooLargeBody(512 * 1024 * 1024);
    case 429: return RATE_LIMIT_BODY;
    case 500: return mistralErrorBody('Internal server error', 'internal_server_error');
    case 502: return mistralErrorBody('Bad gateway', 'bad_gateway');
    case 503: return mistralErrorBody('Service unavailable', 'service_unavailable');
    case 504: return mistralErrorBody('Gateway timeout', 'gateway_timeout');
    default: return mistralErrorBody(`Injected error ${status}`, 'api_error');
  }
}

export function tooLargeBody(limitBytes: number): Record<string, unknown> {
  const limit = formatLimit(limitBytes);
  return mistralErrorBody(`File too large: the maximum file size is ${limit}`, 'invalid_request_file', null);
}

function formatLimit(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MB` : `${bytes} bytes`;
}

export const notFound = (): HttpError => new HttpError(404, { detail: 'File not found' });
export const routeNotFound = (): HttpError => new HttpError(404, { detail: 'Not Found' });
export const methodNotAllowed = (allowed: string[]): HttpError =>
  new HttpError(405, { detail: 'Method Not Allowed' }, { allow: allowed.join(', ') });

export function validationError(issues: ValidationIssue[]): HttpError {
  return new HttpError(422, { detail: issues });
}

/** Pydantic v2's wording for an enum mismatch: `Input should be 'a', 'b' or 'c'`. */
export function enumIssue(loc: (string | number)[], input: unknown, allowed: readonly string[]): ValidationIssue {
  const quoted = allowed.map((value) => `'${value}'`);
  const expected = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0];
  return { type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } };
}

export function missingIssue(loc: (string | number)[]): ValidationIssue {
  return { type: 'missing', loc, msg: 'Field required', input: null };
}

/** Parses an integer the way pydantic does for query and form strings. */
export function parseIntegerField(
  loc: (string | number)[],
  raw: string,
  bounds: { ge?: number; le?: number } = {},
): number | ValidationIssue {
  const trimmed = raw.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw };
  }
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) {
    return { type: 'int_parsing_size', loc, msg: 'Unable to parse input string as an integer, exceeded maximum size', input: raw };
  }
  if (bounds.ge !== undefined && value < bounds.ge) {
    return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${bounds.ge}`, input: raw, ctx: { ge: bounds.ge } };
  }
  if (bounds.le !== undefined && value > bounds.le) {
    return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${bounds.le}`, input: raw, ctx: { le: bounds.le } };
  }
  return value;
}

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export function parseBooleanField(loc: (string | number)[], raw: string): boolean | ValidationIssue {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return { type: 'bool_parsing', loc, msg: 'Input should be a valid boolean, unable to interpret input', input: raw };
}

const UUID_HYPHENATED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_SIMPLE = /^[0-9a-f]{32}$/i;

/**
 * file_id and job_id are declared `format: uuid`, so FastAPI answers a malformed one with 422 `uuid_parsing`
 * (a well-formed but unknown id gets 404). Returns the canonical lower-case hyphenated form.
 */
export function parseFileId(raw: string, param = 'file_id'): string {
  const parsed = parseUuid(['path', param], raw);
  if (typeof parsed !== 'string') throw validationError([parsed]);
  return parsed;
}

/** The canonical form of a UUID, or pydantic's `uuid_parsing` issue at `loc`. */
export function parseUuid(loc: (string | number)[], raw: string): string | ValidationIssue {
  let candidate = raw.trim();
  if (candidate.toLowerCase().startsWith('urn:uuid:')) candidate = candidate.slice('urn:uuid:'.length);
  if (candidate.startsWith('{') && candidate.endsWith('}')) candidate = candidate.slice(1, -1);
  if (UUID_HYPHENATED.test(candidate)) return candidate.toLowerCase();
  if (UUID_SIMPLE.test(candidate)) {
    const hex = candidate.toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const badCharacter = /[^0-9a-fA-F-]/.exec(candidate);
  const msg = badCharacter
    ? `Input should be a valid UUID, invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${badCharacter[0]}\` at ${badCharacter.index + 1}`
    : `Input should be a valid UUID, invalid length: expected length 32 for simple format, found ${candidate.replace(/-/g, '').length}`;
  return { type: 'uuid_parsing', loc, msg, input: raw, ctx: { error: msg.replace('Input should be a valid UUID, ', '') } };
}
