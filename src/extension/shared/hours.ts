/** Signed-URL expiry input, pure so it is unit-tested without VS Code. */
import { SIGNED_URL_MAX_HOURS, SIGNED_URL_MIN_HOURS } from '../../api/files/types';

export function isValidHours(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= SIGNED_URL_MIN_HOURS && value <= SIGNED_URL_MAX_HOURS;
}

/** "48" -> 48, " 7 " -> 7; "1.5", "0", "169", "1e2", "-3", "" -> undefined. */
export function parseHours(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,4}$/.test(trimmed)) return undefined;
  const hours = Number(trimmed);
  return isValidHours(hours) ? hours : undefined;
}
