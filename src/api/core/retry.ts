/** Backoff arithmetic, Retry-After parsing and an abortable wait: the pieces of the retry loop that hold no I/O. */
import type { RetryPolicy } from './config';

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  initialDelayMs: 500,
  multiplier: 1.5,
  maxDelayMs: 30_000,
  maxElapsedMs: 120_000,
};

/** Statuses that say "not now" rather than "never": gateway trouble, overload, rate limit. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(DEFAULT_RETRY_POLICY) as (keyof RetryPolicy)[]) {
    const value = partial?.[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) policy[key] = value;
  }
  policy.maxRetries = Math.floor(policy.maxRetries);
  return policy;
}

/**
 * "Full jitter" (AWS architecture blog): a uniform wait in [0, min(cap, base * multiplier^retry)].
 * It spreads clients that failed together better than equal jitter and never waits longer than plain backoff.
 */
export function backoffDelayMs(policy: RetryPolicy, retryIndex: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * Math.pow(policy.multiplier, retryIndex));
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Whether to try again after failure number `retryIndex + 1`, and after how long. A Retry-After is a floor:
 * waiting less just earns another 429, so when it exceeds the policy's cap we stop and let the caller say when to retry.
 */
export function decideRetry(
  policy: RetryPolicy,
  retryIndex: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
  random: () => number,
): RetryDecision {
  if (retryIndex >= policy.maxRetries) return { retry: false };
  let delayMs: number;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxDelayMs) return { retry: false };
    delayMs = retryAfterMs;
  } else {
    delayMs = backoffDelayMs(policy, retryIndex, random);
  }
  if (elapsedMs + delayMs > policy.maxElapsedMs) return { retry: false };
  return { retry: true, delayMs };
}

export type Sleep = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

/** setTimeout as a promise that rejects with the signal's reason the moment the caller cancels. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
