/** Bounded-concurrency map that never rejects: each item settles on its own. Pure. */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the input order. Stops starting new items
 * once `signal` aborts (those settle with the abort reason).
 */
export async function mapSettled<I, T>(
  items: readonly I[],
  limit: number,
  task: (item: I, index: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<Settled<T>[]> {
  const results = new Array<Settled<T>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      if (signal?.aborted) {
        results[index] = { ok: false, error: signal.reason ?? new DOMException('Aborted', 'AbortError') };
        continue;
      }
      try {
        results[index] = { ok: true, value: await task(items[index], index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
