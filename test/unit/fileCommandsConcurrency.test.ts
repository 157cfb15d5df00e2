import * as assert from 'node:assert/strict';
import { mapSettled } from '../../src/extension/shared/concurrency';

describe('mapSettled (bounded concurrency for deletes and downloads)', () => {
  it('keeps input order, settles each item on its own and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapSettled([5, 1, 4, 2, 3, 0], 2, async (ms, index) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, ms * 3));
      inFlight--;
      if (index === 3) throw new Error('boom');
      return ms * 10;
    });
    assert.equal(peak, 2);
    assert.deepEqual(
      results.map((r) => (r.ok ? r.value : (r.error as Error).message)),
      [50, 10, 40, 'boom', 30, 0],
    );
  });

  it('starts nothing new once the signal aborts; those items settle with the abort reason', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const results = await mapSettled(
      [0, 1, 2, 3],
      1,
      async (item) => {
        started.push(item);
        if (item === 1) controller.abort();
        return item;
      },
      controller.signal,
    );
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(results.map((r) => r.ok), [true, true, false, false]);
    const failed = results[2];
    assert.ok(!failed.ok && (failed.error as Error).name === 'AbortError');
  });

  it('handles an empty list', async () => {
    assert.deepEqual(await mapSettled([], 4, async () => 1), []);
  });
});
