/**
 * Turns a server-supplied file name into one safe to create inside a folder the user chose.
 * Pure (node:path only) so the CLI and unit tests share it with the extension.
 */
import * as path from 'node:path';

// Forbidden on Windows, or path separators anywhere.
const FORBIDDEN_CHARS = /[<>:"/\\|?*]/g;
// C0/C1 controls, plus bidi overrides that can disguise an extension ("gpj.exe" shown as "exe.jpg").
// eslint-disable-next-line no-control-regex
const INVISIBLE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// Device names Windows reserves, in any case. Windows compares only what comes before the first dot, with trailing
// spaces dropped, so "con.txt", "CON .txt", "nul.tar.gz" and "Com¹ . x" all name the device, not a file.
const WINDOWS_RESERVED_STEM = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/i;

function isWindowsReserved(name: string): boolean {
  return WINDOWS_RESERVED_STEM.test(name.split('.')[0].replace(/ +$/, ''));
}
// Most file systems cap a name at 255 bytes; UTF-8 bytes are what ext4/APFS count.
export const MAX_NAME_BYTES = 255;

/**
 * "../../etc/passwd" -> "etc_passwd", "a/b\\c:d" -> "a_b_c_d", "CON .txt" -> "_CON .txt", "name. . " -> "name".
 * Path segments "." and ".." are dropped, the rest joined with "_", so the result never contains a separator
 * and never resolves outside the destination folder. Falls back to `fallback` when nothing readable is left.
 */
export function sanitizeFilename(name: string, fallback = 'download'): string {
  const cleaned = clean(name);
  if (cleaned) return cleaned;
  const cleanedFallback = clean(fallback);
  return cleanedFallback || 'download';
}

function clean(name: string): string {
  let text = String(name ?? '')
    .normalize('NFC')
    .replace(INVISIBLE_CHARS, '');
  text = text
    .split(/[/\\]+/)
    .map((segment) => segment.trim())
    .filter((segment) => segment !== '' && !/^\.+$/.test(segment))
    .join('_');
  text = text.replace(FORBIDDEN_CHARS, '_');
  // Windows drops trailing dots and spaces, so "a.txt." would silently become another file.
  text = text.replace(/[. ]+$/, '').trimStart();
  if (/^\.+$/.test(text)) return '';
  if (isWindowsReserved(text)) text = `_${text}`;
  return truncateToBytes(text, MAX_NAME_BYTES);
}

/** Shortens the stem, keeping the extension when it is short enough to matter ("…long name.jsonl"). */
export function truncateToBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  const { stem, ext } = splitExtension(name);
  const keepExt = ext.length > 0 && Buffer.byteLength(ext, 'utf8') <= 32 ? ext : '';
  const budget = maxBytes - Buffer.byteLength(keepExt, 'utf8');
  const base = keepExt ? stem : name;
  let out = '';
  let used = 0;
  // Iterate by code point so a surrogate pair is never split.
  for (const char of base) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  return out.replace(/[. ]+$/, '') + keepExt;
}

/** ".env" has no extension; "a.tar.gz" keeps ".gz" as the extension. */
export function splitExtension(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

/**
 * The first of "a.jsonl", "a (1).jsonl", "a (2).jsonl"… that `isTaken` rejects. `isTaken` sees each candidate
 * (compare case-insensitively when the target file system is).
 */
export function uniqueFilename(name: string, isTaken: (candidate: string) => boolean): string {
  if (!isTaken(name)) return name;
  const { stem, ext } = splitExtension(name);
  for (let n = 1; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!isTaken(candidate)) return candidate;
  }
}

/**
 * Joins a sanitised name to a folder and proves the result is a direct child of it; throws otherwise.
 * The second line of defence if `sanitizeFilename` were ever bypassed.
 */
export function joinInside(folder: string, name: string): string {
  const base = path.resolve(folder);
  const target = path.resolve(base, name);
  if (path.dirname(target) !== base || path.basename(target) !== name) {
    throw new Error(`Refusing to write "${name}" outside ${base}`);
  }
  return target;
}
