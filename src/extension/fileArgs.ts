import type { CallOptions, MistralFile } from '../api/types';
import type { ExtensionDeps } from './deps';

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
 * The files a command acts on. VS Code calls tree-item commands with (clicked, selected[]): when the clicked node is
 * part of a multi-selection the whole selection applies, as in the Explorer. Other extensions and tests may pass a
 * file id, a MistralFile, a tree node, or an array of those. With no argument (palette), the tree's selection applies.
 * Ids are looked up with `retrieve`, so a wrong id rejects with the API's "not found" error.
 */
export async function resolveFileArgs(
  deps: Pick<ExtensionDeps, 'client' | 'tree'>,
  first?: unknown,
  second?: unknown,
  options?: CallOptions,
): Promise<MistralFile[]> {
  let args: unknown[];
  if (Array.isArray(second) && second.length > 0 && (first === undefined || second.includes(first))) args = second;
  else if (Array.isArray(first)) args = first;
  else if (first !== undefined && first !== null) args = [first];
  else return deps.tree.selectedFiles();

  const resolved: MistralFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const fileOrId = fileOrIdFromArg(arg);
    if (fileOrId === undefined) continue;
    const id = typeof fileOrId === 'string' ? fileOrId : fileOrId.id;
    if (seen.has(id)) continue;
    seen.add(id);
    resolved.push(typeof fileOrId === 'string' ? await deps.client.retrieve(fileOrId, options) : fileOrId);
  }
  return resolved;
}
