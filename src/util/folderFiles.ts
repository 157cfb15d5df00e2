/**
 * The files of a folder for Upload Folder…: walked depth first in name order, `.git` and what the folder's
 * .gitignore files exclude left out (a folder git ignores is not entered, as in git), symbolic links not followed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ignoredBy, parseGitignore, type IgnoreRule } from './gitignore';

export interface FolderFile {
  path: string;
  /** Relative to the chosen folder, `/`-separated. */
  relative: string;
  size: number;
}

export interface FolderListing {
  files: FolderFile[];
  /** Files and folders the .gitignore rules (or `.git`) left out. */
  ignored: number;
  /** True when `maxFiles` stopped the walk. */
  truncated: boolean;
}

interface Scope {
  /** The folder the rules are relative to. */
  base: string;
  rules: IgnoreRule[];
}

function isIgnored(scopes: readonly Scope[], fullPath: string, isDirectory: boolean): boolean {
  // The deepest .gitignore that has a say wins, as in git.
  for (let i = scopes.length - 1; i >= 0; i--) {
    const relative = path.relative(scopes[i].base, fullPath).split(path.sep).join('/');
    const verdict = ignoredBy(scopes[i].rules, relative, isDirectory);
    if (verdict !== undefined) return verdict;
  }
  return false;
}

async function readRules(folder: string): Promise<IgnoreRule[] | undefined> {
  try {
    return parseGitignore(await fs.readFile(path.join(folder, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** A folder inside a repository also follows the .gitignore files above it, up to the repository's root. */
async function ancestorScopes(root: string): Promise<Scope[]> {
  const scopes: Scope[] = [];
  let folder = path.resolve(root);
  for (;;) {
    const parent = path.dirname(folder);
    if (await fs.stat(path.join(folder, '.git')).then(() => true, () => false)) break;
    if (parent === folder) return [];
    folder = parent;
    const rules = await readRules(folder);
    if (rules) scopes.unshift({ base: folder, rules });
  }
  return scopes;
}

export async function listFolderFiles(root: string, options: { maxFiles?: number; signal?: AbortSignal } = {}): Promise<FolderListing> {
  const maxFiles = options.maxFiles ?? Number.POSITIVE_INFINITY;
  const listing: FolderListing = { files: [], ignored: 0, truncated: false };
  const walk = async (folder: string, scopes: Scope[]): Promise<void> => {
    options.signal?.throwIfAborted();
    const rules = await readRules(folder);
    const here = rules ? [...scopes, { base: folder, rules }] : scopes;
    const entries = (await fs.readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (listing.truncated) return;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === '.git' || isIgnored(here, full, true)) {
          listing.ignored++;
          continue;
        }
        await walk(full, here);
      } else if (entry.isFile()) {
        if (entry.name === '.gitignore' || isIgnored(here, full, false)) {
          listing.ignored++;
          continue;
        }
        if (listing.files.length >= maxFiles) {
          listing.truncated = true;
          return;
        }
        const stat = await fs.stat(full);
        listing.files.push({ path: full, relative: path.relative(root, full).split(path.sep).join('/'), size: stat.size });
      }
    }
  };
  await walk(root, await ancestorScopes(root));
  return listing;
}

/** Extension (lower case, no dot; '' for none) → how many files have it, most common first. */
export function extensionCounts(files: readonly FolderFile[]): Array<{ extension: string; count: number }> {
  const counts = new Map<string, number>();
  for (const file of files) {
    const ext = path.extname(file.path).slice(1).toLowerCase();
    counts.set(ext, (counts.get(ext) ?? 0) + 1);
  }
  return [...counts.entries()].map(([extension, count]) => ({ extension, count })).sort((a, b) => b.count - a.count || a.extension.localeCompare(b.extension));
}
