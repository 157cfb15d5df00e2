import * as vscode from 'vscode';
import type { MistralFile } from '../../api/files/types';
import { MistralApiError } from '../../api/core/errors';
import { isMistralFile } from './fileArgs';

export { filesOrIdsFromArgs } from './fileArgs';

/**
 * A plain options object passed by tests or other extensions, as opposed to a Uri, a tree node, a MistralFile or
 * the `{ groupId, editorIndex }` context VS Code adds for editor-title commands (recognised by `knownKeys`).
 */
export function asOptions<T extends object>(value: unknown, knownKeys: readonly (keyof T & string)[]): T | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (value instanceof vscode.Uri || isMistralFile(value) || isMistralFile((value as { file?: unknown }).file)) {
    return undefined;
  }
  return knownKeys.some((key) => key in value) ? (value as T) : undefined;
}

/** Explorer passes (clicked, allSelected[]); editor menus pass (uri, context); other callers pass Uri or Uri[]. */
export function urisFromArgs(first: unknown, second: unknown): vscode.Uri[] {
  const list = (value: unknown): vscode.Uri[] =>
    Array.isArray(value) ? value.filter((item): item is vscode.Uri => item instanceof vscode.Uri) : [];
  const selected = list(second);
  if (selected.length > 0) return dedupeUris(selected);
  if (first instanceof vscode.Uri) return [first];
  if (typeof first === 'string' && first.trim() !== '') return [toUri(first)];
  return dedupeUris(list(first));
}

/** Accepts a Uri, a file path or a `file:` URI string (tests and other extensions may pass either). */
export function toUri(value: vscode.Uri | string): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(value) ? vscode.Uri.parse(value, true) : vscode.Uri.file(value);
}

export function dedupeUris(uris: readonly vscode.Uri[]): vscode.Uri[] {
  const seen = new Set<string>();
  return uris.filter((uri) => {
    const key = uri.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function idOf(file: MistralFile | string): string {
  return typeof file === 'string' ? file : file.id;
}

export function nameOf(file: MistralFile | string): string {
  return typeof file === 'string' ? file : file.filename || file.id;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof MistralApiError && err.status === 404;
}

/** "a.jsonl", "a.jsonl and b.jsonl", "a.jsonl, b.jsonl, c.jsonl and 4 more". */
export function listNames(names: readonly string[], max = 3): string {
  const quoted = names.map((name) => `"${name}"`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length <= max) {
    return vscode.l10n.t('{0} and {1}', quoted.slice(0, -1).join(', '), quoted[quoted.length - 1]);
  }
  return vscode.l10n.t('{0} and {1} more', quoted.slice(0, max).join(', '), quoted.length - max);
}

/**
 * Splits (clicked, selected[], options?), (files, options?) or (options) into the file arguments and the options object, so
 * tests and other extensions can pass options alongside either shape.
 */
export function splitOptions<T extends object>(
  args: readonly unknown[],
  knownKeys: readonly (keyof T & string)[],
): { first: unknown; second: unknown; options: T | undefined } {
  const [first, second, third] = args;
  // Options alone (palette-like call from code): the files come from the tree's selection or a picker.
  const fromFirst = asOptions<T>(first, knownKeys);
  if (fromFirst) return { first: undefined, second: undefined, options: fromFirst };
  const fromThird = asOptions<T>(third, knownKeys);
  if (fromThird) return { first, second, options: fromThird };
  const fromSecond = asOptions<T>(second, knownKeys);
  if (fromSecond) return { first, second: undefined, options: fromSecond };
  return { first, second, options: undefined };
}
