/** Human-readable figures shared by the tree, notifications and the CLI. Decimal units, as Mistral's limits are stated. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 0 -> "0 B", 1234 -> "1.2 KB", 12_345_678 -> "12.3 MB"; null/undefined -> "size unknown". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return 'size unknown';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  // One decimal below 100 keeps "12.3 MB" readable; "512 MB", not "512.0 MB".
  const text = value < 100 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value).toString();
  return `${text} ${UNITS[unit]}`;
}

/** "just now", "5 minutes ago", "3 days ago", "in 2 hours" from unix seconds. */
export function formatRelativeTime(unixSeconds: number, nowMs: number = Date.now()): string {
  const deltaSeconds = Math.round((nowMs - unixSeconds * 1000) / 1000);
  const future = deltaSeconds < 0;
  const seconds = Math.abs(deltaSeconds);
  if (seconds < 45) return future ? 'in a few seconds' : 'just now';
  const steps: Array<[number, string]> = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ];
  let chosen = steps[0];
  // Minutes, hours and days round up from three quarters (50 min reads "1 hour ago"); months and years only once
  // whole, so 24 days never reads "1 month ago" and 11 months never "1 year ago".
  for (const step of steps) if (seconds >= step[0] * (step[0] >= 86400 * 30 ? 1 : 0.75)) chosen = step;
  const count = Math.max(1, Math.round(seconds / chosen[0]));
  const phrase = `${count} ${chosen[1]}${count === 1 ? '' : 's'}`;
  return future ? `in ${phrase}` : `${phrase} ago`;
}

/** ISO-like local date-time for tooltips: "2026-11-22 14:05 UTC". */
export function formatTimestamp(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

/**
 * Sizes against Mistral's limits, which are binary megabytes called "MB" (512 MB = 536 870 912 bytes):
 * 600 MiB -> "600 MB". A fraction is rounded up so a file just over the limit never reads as equal to it.
 */
export function formatMegabytes(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  if (Number.isInteger(megabytes)) return `${megabytes} MB`;
  return `${(Math.ceil(megabytes * 10) / 10).toFixed(1).replace(/\.0$/, '')} MB`;
}
