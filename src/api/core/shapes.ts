/**
 * Lenient readers for the service's JSON: required fields are checked (a garbage answer becomes a clear error, not
 * `undefined` deep in a view), optional ones default to null, enums stay open strings. Every service's parser uses them.
 */
export class ShapeError extends Error {}

export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ShapeError(`${what} is not a JSON object`);
  return value as Json;
}

export function requiredString(record: Json, field: string, what: string): string {
  const value = record[field];
  if (typeof value !== 'string') throw new ShapeError(`${what} has no "${field}" string`);
  return value;
}

export function requiredNumber(record: Json, field: string, what: string): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(`${what} has no "${field}" number`);
  return value;
}

export function optionalNumber(record: Json, field: string): number | null {
  const value = record[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function optionalString(record: Json, field: string): string | null {
  const value = record[field];
  return typeof value === 'string' ? value : null;
}
