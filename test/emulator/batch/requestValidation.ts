/**
 * CreateBatchJobRequest and the list query, validated the way FastAPI/pydantic v2 would: every problem at
 * once, as `detail` items with pydantic's `type`/`msg` words.
 */
import {
  enumIssue, missingIssue, parseIntegerField, parseUuid, validationError, type ValidationIssue,
} from '../errors';
import { lastValue, queryFields } from '../listQuery';
import { API_ENDPOINTS, BATCH_STATUSES, MAX_INLINE_REQUESTS, type BatchStatus } from './types';

export interface CreateJobInput {
  inputFiles: string[];
  requests: { custom_id: string | null; body: Record<string, unknown> }[] | null;
  endpoint: string;
  model: string | null;
  agentId: string | null;
  metadata: Record<string, string> | null;
  timeoutHours: number;
}

type Loc = (string | number)[];
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const dictIssue = (loc: Loc, input: unknown): ValidationIssue => ({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input });
const stringIssue = (loc: Loc, input: unknown): ValidationIssue => ({ type: 'string_type', loc, msg: 'Input should be a valid string', input });
const listIssue = (loc: Loc, input: unknown): ValidationIssue => ({ type: 'list_type', loc, msg: 'Input should be a valid list', input });

function lengthIssue(loc: Loc, input: string, min: number, max: number): ValidationIssue | undefined {
  if (input.length < min) {
    return { type: 'string_too_short', loc, msg: `String should have at least ${min} character${min === 1 ? '' : 's'}`, input, ctx: { min_length: min } };
  }
  if (input.length > max) return { type: 'string_too_long', loc, msg: `String should have at most ${max} characters`, input, ctx: { max_length: max } };
  return undefined;
}

function optionalString(body: Record<string, unknown>, key: string, issues: ValidationIssue[]): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  issues.push(stringIssue(['body', key], value));
  return null;
}

/** The parsed request, or a thrown 422 HttpError. `text` is the raw JSON body. */
export function parseCreateRequest(text: string): CreateJobInput {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const position = /position (\d+)/.exec((err as Error).message);
    // FastAPI reports the character offset; V8 names one except for a body cut short, which ends at its length.
    const offset = position ? Number(position[1]) : text.length;
    throw validationError([{ type: 'json_invalid', loc: ['body', offset], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }]);
  }
  if (!isObject(body)) {
    throw validationError([{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: body }]);
  }
  const issues: ValidationIssue[] = [];
  const inputFiles = parseInputFiles(body.input_files, issues);
  const requests = parseRequests(body.requests, issues);

  let endpoint = '';
  if (body.endpoint === undefined) issues.push(missingIssue(['body', 'endpoint']));
  else if (typeof body.endpoint !== 'string' || !(API_ENDPOINTS as readonly string[]).includes(body.endpoint)) {
    issues.push(enumIssue(['body', 'endpoint'], body.endpoint, API_ENDPOINTS));
  } else endpoint = body.endpoint;

  const model = optionalString(body, 'model', issues);
  const agentId = optionalString(body, 'agent_id', issues);
  const metadata = parseMetadata(body.metadata, issues);
  const timeoutHours = parseTimeoutHours(body.timeout_hours, issues);

  if (issues.length === 0) {
    // The spec makes every field but endpoint optional; these are the emulator's rules (README).
    const sources = (inputFiles.length > 0 ? 1 : 0) + (requests !== null && requests.length > 0 ? 1 : 0);
    if (sources !== 1) issues.push(modelValueError(body, 'Provide exactly one of input_files or requests, not empty'));
    if ((model === null) === (agentId === null)) issues.push(modelValueError(body, 'Provide exactly one of model or agent_id'));
  }
  if (issues.length > 0) throw validationError(issues);
  return { inputFiles, requests, endpoint, model, agentId, metadata, timeoutHours };
}

function modelValueError(input: unknown, message: string): ValidationIssue {
  return { type: 'value_error', loc: ['body'], msg: `Value error, ${message}`, input, ctx: { error: message } };
}

function parseInputFiles(value: unknown, issues: ValidationIssue[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push(listIssue(['body', 'input_files'], value));
    return [];
  }
  const ids: string[] = [];
  value.forEach((item, index) => {
    const loc = ['body', 'input_files', index];
    if (typeof item !== 'string') {
      issues.push({ type: 'uuid_type', loc, msg: 'UUID input should be a string, bytes or UUID object', input: item });
      return;
    }
    const parsed = parseUuid(loc, item);
    if (typeof parsed === 'string') ids.push(parsed);
    else issues.push(parsed);
  });
  return ids;
}

function parseRequests(value: unknown, issues: ValidationIssue[]): CreateJobInput['requests'] {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    issues.push(listIssue(['body', 'requests'], value));
    return null;
  }
  if (value.length > MAX_INLINE_REQUESTS) {
    issues.push({
      type: 'too_long', loc: ['body', 'requests'], input: value,
      msg: `List should have at most ${MAX_INLINE_REQUESTS} items after validation, not ${value.length}`,
      ctx: { field_type: 'List', max_length: MAX_INLINE_REQUESTS, actual_length: value.length },
    });
    return null;
  }
  const requests: NonNullable<CreateJobInput['requests']> = [];
  value.forEach((item, index) => {
    const loc = ['body', 'requests', index];
    if (!isObject(item)) {
      issues.push({ type: 'model_type', loc, msg: 'Input should be a valid dictionary or instance of BatchRequest', input: item, ctx: { class_name: 'BatchRequest' } });
      return;
    }
    let customId: string | null = null;
    if (item.custom_id !== undefined && item.custom_id !== null) {
      if (typeof item.custom_id === 'string') customId = item.custom_id;
      else issues.push(stringIssue([...loc, 'custom_id'], item.custom_id));
    }
    if (item.body === undefined) issues.push(missingIssue([...loc, 'body']));
    else if (!isObject(item.body)) issues.push(dictIssue([...loc, 'body'], item.body));
    else requests.push({ custom_id: customId, body: item.body });
  });
  return requests;
}

function parseMetadata(value: unknown, issues: ValidationIssue[]): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) {
    issues.push(dictIssue(['body', 'metadata'], value));
    return null;
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    const keyProblem = lengthIssue(['body', 'metadata', key, '[key]'], key, 1, 32);
    if (keyProblem) issues.push(keyProblem);
    if (typeof entry !== 'string') {
      issues.push(stringIssue(['body', 'metadata', key], entry));
      continue;
    }
    const valueProblem = lengthIssue(['body', 'metadata', key], entry, 1, 512);
    if (valueProblem) issues.push(valueProblem);
    metadata[key] = entry;
  }
  return metadata;
}

function parseTimeoutHours(value: unknown, issues: ValidationIssue[]): number {
  const loc = ['body', 'timeout_hours'];
  if (value === undefined) return 24;
  let parsed: number | ValidationIssue;
  if (typeof value === 'number') {
    parsed = Number.isInteger(value)
      ? parseIntegerField(loc, String(value), { ge: 1, le: 168 })
      : { type: 'int_from_float', loc, msg: 'Input should be a valid integer, got a number with a fractional part', input: value };
  } else if (typeof value === 'string') {
    parsed = parseIntegerField(loc, value, { ge: 1, le: 168 });
  } else {
    parsed = { type: 'int_type', loc, msg: 'Input should be a valid integer', input: value };
  }
  if (typeof parsed === 'number') return parsed;
  // parseIntegerField echoes the string it parsed; pydantic echoes the JSON value.
  issues.push({ ...parsed, input: value });
  return 24;
}

export interface JobListQuery {
  page: number;
  pageSize: number;
  model: string | undefined;
  agentId: string | undefined;
  metadata: Record<string, string>;
  createdAfterMs: number | undefined;
  createdByMe: boolean;
  statuses: BatchStatus[] | undefined;
  order: 'created' | '-created';
}

const DECLARED_PARAMS = new Set(['page', 'page_size', 'model', 'agent_id', 'metadata', 'created_after', 'created_by_me', 'status', 'order_by']);

export function parseJobListQuery(params: URLSearchParams): JobListQuery {
  const issues: ValidationIssue[] = [];
  const { integer, boolean } = queryFields(params, issues);
  const page = integer('page', 0, { ge: 0 });
  const pageSize = integer('page_size', 100, { ge: 1 });
  const createdByMe = boolean('created_by_me', false);
  const statusValues = params.getAll('status').flatMap((value) => value.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  statusValues.forEach((value, index) => {
    if (!(BATCH_STATUSES as readonly string[]).includes(value)) issues.push(enumIssue(['query', 'status', index], value, BATCH_STATUSES));
  });
  const orderRaw = lastValue(params, 'order_by') ?? '-created';
  if (orderRaw !== 'created' && orderRaw !== '-created') issues.push(enumIssue(['query', 'order_by'], orderRaw, ['created', '-created']));
  const createdAfterMs = parseCreatedAfter(lastValue(params, 'created_after'), issues);
  const metadata = parseMetadataFilter(params, issues);
  if (issues.length > 0) throw validationError(issues);
  return {
    page, pageSize, createdByMe, createdAfterMs, metadata,
    model: lastValue(params, 'model') || undefined,
    agentId: lastValue(params, 'agent_id') || undefined,
    statuses: statusValues.length > 0 ? statusValues as BatchStatus[] : undefined,
    order: orderRaw === 'created' ? 'created' : '-created',
  };
}

function parseCreatedAfter(raw: string | undefined, issues: ValidationIssue[]): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  // pydantic accepts ISO-8601 and unix seconds; Date.parse alone would also take "March 3".
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const ms = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(raw) ? Date.parse(raw.replace(' ', 'T')) : NaN;
  if (Number.isNaN(ms)) {
    issues.push({ type: 'datetime_from_date_parsing', loc: ['query', 'created_after'], msg: 'Input should be a valid datetime or date, invalid character in year', input: raw, ctx: { error: 'invalid character in year' } });
    return undefined;
  }
  return ms;
}

/**
 * The SDKs explode the `metadata` object into top-level keys (`?job_type=testing`), so every key that is not a
 * declared parameter is read as a metadata filter; `metadata=<JSON object>` is accepted too.
 */
function parseMetadataFilter(params: URLSearchParams, issues: ValidationIssue[]): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const key of new Set(params.keys())) {
    if (!DECLARED_PARAMS.has(key)) filter[key] = lastValue(params, key) ?? '';
  }
  const json = lastValue(params, 'metadata');
  if (json !== undefined && json !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      issues.push({ type: 'dict_type', loc: ['query', 'metadata'], msg: 'Input should be a valid dictionary', input: json });
    } else {
      for (const [key, value] of Object.entries(parsed)) filter[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return filter;
}
