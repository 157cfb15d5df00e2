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
 * Files or bare ids from tree-command arguments, without a network call: (clicked, selected[]) applies the whole
 * selection when the clicked node is part of it, as the Explorer does. Empty when nothing usable was passed.
 */
export function filesOrIdsFromArgs(first: unknown, second: unknown): Array<MistralFile | string> {
  let args: unknown[];
  if (Array.isArray(second) && second.length > 0 && (first === undefined || second.includes(first))) args = second;
  else if (Array.isArray(first)) args = first;
  else if (first !== undefined && first !== null) args = [first];
  else return [];
  const seen = new Set<string>();
  const out: Array<MistralFile | string> = [];
  for (const arg of args) {
    const fileOrId = fileOrIdFromArg(arg);
    if (fileOrId === undefined) continue;
    const id = typeof fileOrId === 'string' ? fileOrId : fileOrId.id;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(fileOrId);
  }
  return out;
}
