/** What the record rules see: a place to report problems and to add to the summary's tallies. */
import type { PathSegment } from './jsonScan';
import type { RuleCode } from './rules';

/** 'key' underlines the property name, 'value' its value (or the whole element for a list index). */
export type Part = 'key' | 'value';

export interface RecordReporter {
  report(code: RuleCode, path: readonly PathSegment[], part: Part, message: string, hint?: string): void;
}

export interface RecordTallies {
  messagesByRole: Record<string, number>;
  recordsWithTools: number;
  /** Tokens of the records, as Mistral's v3 tokenizer counts what is sent (see tokenCount.ts). */
  tokens: number;
}

const KNOWN_ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Counts a message's role; anything that is not a Mistral role is tallied as "(other)", so junk cannot grow the summary. */
export function countRole(tallies: RecordTallies, role: string): void {
  const key = KNOWN_ROLES.has(role) ? role : '(other)';
  tallies.messagesByRole[key] = (tallies.messagesByRole[key] ?? 0) + 1;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function hasKey(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/** Short, safe rendering of a value for a message: `"robot"`, `42`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}
