/** Query parsing for GET /v1/files, with FastAPI's 422 `detail` items for bad values. */
import { enumIssue, parseBooleanField, parseIntegerField, validationError, type ValidationIssue } from './errors';
import type { FileRecord } from './store';

/**
 * The OpenAPI enums; uploads and list filters validate against them as FastAPI does. Purpose also takes `audio`,
 * which Mistral's docs and API use.
 */
export const PURPOSES = ['fine-tune', 'batch', 'ocr', 'audio'] as const;
export const SAMPLE_TYPES = ['pretrain', 'instruct', 'batch_request', 'batch_result', 'batch_error'] as const;
export const SOURCES = ['upload', 'repository', 'mistral'] as const;

export interface ListQuery {
  page: number;
  pageSize: number;
  includeTotal: boolean;
  purpose: string | undefined;
  sampleTypes: string[] | undefined;
  sources: string[] | undefined;
  search: string | undefined;
  mimetypes: string[] | undefined;
}

/** Repeated keys (`?source=a&source=b`), tolerating comma-separated values too. */
function listValues(params: URLSearchParams, name: string): string[] | undefined {
  const values = params.getAll(name).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
  return values.length > 0 ? values : undefined;
}

/** Starlette keeps the last value of a repeated scalar parameter. */
export function lastValue(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length > 0 ? values[values.length - 1] : undefined;
}

/**
 * Readers of single query fields the way FastAPI reads them (the last value wins): a value that does not parse adds
 * its 422 issue to `issues` and the field keeps its default, so one answer lists every bad field.
 */
export function queryFields(params: URLSearchParams, issues: ValidationIssue[]): {
  integer(name: string, fallback: number, bounds: { ge?: number; le?: number }): number;
  boolean(name: string, fallback: boolean): boolean;
} {
  return {
    integer(name, fallback, bounds) {
      const raw = lastValue(params, name);
      if (raw === undefined) return fallback;
      const parsed = parseIntegerField(['query', name], raw, bounds);
      if (typeof parsed === 'number') return parsed;
      issues.push(parsed);
      return fallback;
    },
    boolean(name, fallback) {
      const raw = lastValue(params, name);
      if (raw === undefined) return fallback;
      const parsed = parseBooleanField(['query', name], raw);
      if (typeof parsed === 'boolean') return parsed;
      issues.push(parsed);
      return fallback;
    },
  };
}

export function parseListQuery(params: URLSearchParams): ListQuery {
  const issues: ValidationIssue[] = [];
  const { integer, boolean } = queryFields(params, issues);
  const page = integer('page', 0, { ge: 0 });
  const pageSize = integer('page_size', 100, { ge: 1 });
  const includeTotal = boolean('include_total', true);

  const enumList = (name: string, allowed: readonly string[]): string[] | undefined => {
    const values = listValues(params, name);
    values?.forEach((value, index) => {
      if (!allowed.includes(value)) issues.push(enumIssue(['query', name, index], value, allowed));
    });
    return values;
  };
  const sampleTypes = enumList('sample_type', SAMPLE_TYPES);
  const sources = enumList('source', SOURCES);

  const search = lastValue(params, 'search') || undefined;

  const purpose = lastValue(params, 'purpose');
  if (purpose !== undefined && !(PURPOSES as readonly string[]).includes(purpose)) {
    issues.push(enumIssue(['query', 'purpose'], purpose, PURPOSES));
  }
  const mimetypes = listValues(params, 'mimetypes');

  if (issues.length > 0) throw validationError(issues);
  return { page, pageSize, includeTotal, purpose, sampleTypes, sources, search, mimetypes };
}

export function filterFiles(files: FileRecord[], query: ListQuery): FileRecord[] {
  const search = query.search?.toLowerCase();
  const mimetypes = query.mimetypes?.map((value) => value.toLowerCase());
  return files.filter((file) =>
    (query.purpose === undefined || file.purpose === query.purpose) &&
    (query.sampleTypes === undefined || query.sampleTypes.includes(file.sample_type)) &&
    (query.sources === undefined || query.sources.includes(file.source)) &&
    (search === undefined || file.filename.toLowerCase().includes(search)) &&
    (mimetypes === undefined || (file.mimetype !== null && mimetypes.includes(file.mimetype.toLowerCase()))));
}
