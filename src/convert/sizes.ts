/**
 * Sizes as people type them, shared by the CLI and the extension: "500MB", "800 KB", "1.5GB", "512MiB", "1000000";
 * a validation size may also be a percentage ("5%") or "none". Decimal units, as the rest of the project prints them.
 * Pure: no `vscode` import.
 */

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** Bytes, or undefined when the text is not a positive size. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

/** A validation split: `null` for "none", undefined when the text is neither a size nor a percentage below 100. */
export function parseValidationSize(text: string): { bytes?: number; fraction?: number } | null | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'none' || trimmed === '0') return null;
  const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(trimmed);
  if (percent) {
    const fraction = Number(percent[1]) / 100;
    return fraction > 0 && fraction < 1 ? { fraction } : undefined;
  }
  const bytes = parseSize(trimmed);
  return bytes === undefined ? undefined : { bytes };
}
