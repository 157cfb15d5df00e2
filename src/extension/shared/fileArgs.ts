import type { MistralFile } from '../../api/files/types';

/** True for anything shaped like a Files API file object. */
export function isMistralFile(value: unknown): value is MistralFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MistralFile).id === 'string' &&
    typeof (value as MistralFile).filename === 'string'
  );
}

/** One command argument as a file or a file id: a tree node (`{ file }`), a MistralFile, or an id string. */
export function fileOrIdFromArg(arg: unknown): MistralFile | string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  if (isMistralFile(arg)) return arg;
  if (typeof arg === 'object' && arg !== null && isMistralFile((arg as { file?: unknown }).file)) {
    return (arg as { file: MistralFile }).file;
  }
  return undefined;
}

/**
 * Items or bare ids from tree-command arguments, without a network call: (clicked, selected[]) applies the whole
 * selection when the clicked node is part of it, as the Explorer does. Duplicates (by id) are dropped; empty when
 * nothing usable was passed. `fromArg` reads one argument (a node, an object, an id string).
 */
export function selectionFromArgs<T extends { id: string }>(
  first: unknown,
  second: unknown,
  fromArg: (arg: unknown) => T | string | undefined,
): Array<T | string> {
  let args: unknown[];
  if (Array.isArray(second) && second.length > 0 && (first === undefined || second.includes(first))) args = second;
  else if (Array.isArray(first)) args = first;
  else if (first !== undefined && first !== null) args = [first];
  else return [];
  const seen = new Set<string>();
  const out: Array<T | string> = [];
  for (const arg of args) {
    const itemOrId = fromArg(arg);
    if (itemOrId === undefined) continue;
    const id = typeof itemOrId === 'string' ? itemOrId : itemOrId.id;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(itemOrId);
  }
  return out;
}

/** Files or bare ids from tree-command arguments (see selectionFromArgs). */
export function filesOrIdsFromArgs(first: unknown, second: unknown): Array<MistralFile | string> {
  return selectionFromArgs(first, second, fileOrIdFromArg);
}
