/**
 * Test controls of the batch engine: request lines to fail (by custom_id or model) and the speed of the
 * emulated world. Driven in-process (`emulator.batch`) or over HTTP (`/_emulator/batch/...`).
 */
import type { FailRule } from './types';

export interface BatchSettings {
  /** Requests per second each job processes; 0 freezes every job where it is (timeouts still fire). */
  rate?: number;
  /** Real milliseconds one hour of `timeout_hours` lasts; default 3 600 000. */
  timeoutHourMs?: number;
}

export interface BatchControl {
  /** Lines created from now on whose custom_id / effective model matches go to the error file. */
  failRequests(rule: FailRule): void;
  clearFailures(): void;
  /** Changes speed for running jobs too (their progress so far is kept). */
  configure(settings: BatchSettings): void;
  readonly settings: Required<BatchSettings>;
}

export class BatchControls implements BatchControl {
  private rules: FailRule[] = [];
  readonly settings: Required<BatchSettings>;

  constructor(settings: BatchSettings) {
    this.settings = { rate: settings.rate ?? DEFAULT_BATCH_RATE, timeoutHourMs: settings.timeoutHourMs ?? 3_600_000 };
    const problem = describeInvalidSettings(this.settings);
    if (problem) throw new TypeError(`Invalid batch settings: ${problem}`);
  }

  failRequests(rule: FailRule): void {
    const problem = describeInvalidFailRule(rule);
    if (problem) throw new TypeError(`Invalid fail rule: ${problem}`);
    this.rules.push({ ...rule });
  }

  clearFailures(): void {
    this.rules = [];
  }

  configure(settings: BatchSettings): void {
    const problem = describeInvalidSettings(settings);
    if (problem) throw new TypeError(`Invalid batch settings: ${problem}`);
    if (settings.rate !== undefined) this.settings.rate = settings.rate;
    if (settings.timeoutHourMs !== undefined) this.settings.timeoutHourMs = settings.timeoutHourMs;
  }

  /** What a job created now must remember: later changes to the rules do not rewrite its outcome. */
  snapshot(): FailRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }
}

/** Fast enough for a demo, slow enough to watch the counters move. */
export const DEFAULT_BATCH_RATE = 20;

export function describeInvalidFailRule(rule: unknown): string | undefined {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return 'expected a JSON object';
  const candidate = rule as Record<string, unknown>;
  const unknownKey = Object.keys(candidate).find((key) => !['customId', 'model', 'statusCode', 'message'].includes(key));
  if (unknownKey) return `unknown field "${unknownKey}"`;
  for (const key of ['customId', 'model', 'message'] as const) {
    if (candidate[key] !== undefined && typeof candidate[key] !== 'string') return `"${key}" must be a string`;
  }
  if (candidate.customId === undefined && candidate.model === undefined) return 'give "customId" or "model"';
  const status = candidate.statusCode;
  if (status !== undefined && !(typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599)) {
    return '"statusCode" must be an integer 400..599';
  }
  return undefined;
}

export function describeInvalidSettings(settings: unknown): string | undefined {
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) return 'expected a JSON object';
  const candidate = settings as Record<string, unknown>;
  const unknownKey = Object.keys(candidate).find((key) => !['rate', 'timeoutHourMs'].includes(key));
  if (unknownKey) return `unknown field "${unknownKey}"`;
  const rate = candidate.rate;
  if (rate !== undefined && !(typeof rate === 'number' && Number.isFinite(rate) && rate >= 0)) return '"rate" must be a number ≥ 0';
  const hour = candidate.timeoutHourMs;
  if (hour !== undefined && !(typeof hour === 'number' && Number.isFinite(hour) && hour > 0)) return '"timeoutHourMs" must be a number > 0';
  return undefined;
}
