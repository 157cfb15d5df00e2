/** waitFor's schedule on a simulated clock: fast at first, backing off, fast again on change, Retry-After honoured. */
import * as assert from 'node:assert/strict';
import { parseBatchJob, parseBatchJobList } from '../../src/api/batch/parse';
import type { BatchJob } from '../../src/api/batch/types';
import { PollSchedule, waitForJob, type WaitDeps } from '../../src/api/batch/wait';
import { MistralApiError, isAbortError } from '../../src/api/core/errors';
import { rejectionOf } from './clientSupport/fixture';

function job(overrides: Partial<BatchJob> = {}): BatchJob {
  return parseBatchJob({
    id: 'job-1', object: 'batch', input_files: ['f'], metadata: null, endpoint: '/v1/chat/completions', model: 'm', agent_id: null,
    output_file: null, error_file: null, errors: [], outputs: null, status: 'RUNNING', created_at: 1, total_requests: 100,
    completed_requests: 0, succeeded_requests: 0, failed_requests: 0, started_at: null, completed_at: null, ...overrides,
  });
}

/** A job on a simulated clock: `script(t)` says what a GET at time t sees; sleeps advance the clock instantly. */
function simulated(script: (nowMs: number, call: number) => BatchJob | Error): { deps: WaitDeps; sleeps: number[]; calls: () => number; now: () => number } {
  let now = 0;
  let calls = 0;
  const sleeps: number[] = [];
  const deps: WaitDeps = {
    get: async () => {
      const answer = script(now, calls++);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    operation: 'GET /v1/batch/jobs/job-1',
  };
  return { deps, sleeps, calls: () => calls, now: () => now };
}

const unavailable = (retryAfterMs?: number): MistralApiError =>
  new MistralApiError({ kind: 'http', status: 503, message: 'Mistral is unavailable (503)', retryAfterMs });

describe('batch waitFor', () => {
  it('polls fast at first, backs off ×1.5 to the ceiling while nothing changes, and stops at a terminal status', async () => {
    const sim = simulated((now) => (now >= 120_000 ? job({ status: 'SUCCESS', completed_requests: 100 }) : job({ status: 'QUEUED', total_requests: 0 })));
    const seen: string[] = [];
    const final = await waitForJob(sim.deps, 'job-1', { onProgress: (p) => seen.push(`${p.job.status}@${p.elapsedMs}`) });
    assert.equal(final.status, 'SUCCESS');
    assert.deepEqual(sim.sleeps.slice(0, 6), [1000, 1500, 2250, 3375, 5063, 7594]);
    assert.ok(sim.sleeps.every((ms) => ms <= 30_000));
    assert.equal(sim.sleeps.filter((ms) => ms === 30_000).length > 0, true, 'reaches the ceiling');
    assert.equal(seen.at(-1), `SUCCESS@${sim.now()}`);
    // A fixed 2 s loop would have asked 61 times in those two minutes.
    assert.ok(sim.calls() < 20, `asked ${sim.calls()} times`);
  });

  it('goes back to fast polling when the status changes or the counters start moving again', async () => {
    const sim = simulated((now) => {
      if (now < 20_000) return job({ status: 'QUEUED', total_requests: 0 });
      if (now < 60_000) return job({ status: 'RUNNING', total_requests: 1000, completed_requests: 10 });
      if (now < 200_000) return job({ status: 'RUNNING', total_requests: 1000, completed_requests: 500 });
      return job({ status: 'SUCCESS', total_requests: 1000, completed_requests: 1000 });
    });
    await waitForJob(sim.deps, 'job-1');
    let t = 0;
    const at = sim.sleeps.map((ms) => {
      const start = t;
      t += ms;
      return [start, ms];
    });
    const firstRunning = at.find(([start]) => start >= 20_000);
    assert.equal(firstRunning?.[1], 1000, 'QUEUED → RUNNING resets to 1 s');
    const afterStall = at.find(([start]) => start >= 60_000);
    assert.equal(afterStall?.[1], 1000, 'counters moving after standing still reset to 1 s');
  });

  it('does not poll every second for a job that moves steadily, but sees its end soon after it comes', async () => {
    // 10 requests a second for 1000 requests: done at 100 s.
    const sim = simulated((now) => {
      const done = Math.min(1000, Math.floor(now / 100));
      return job({ status: done === 1000 ? 'SUCCESS' : 'RUNNING', total_requests: 1000, completed_requests: done, succeeded_requests: done });
    });
    await waitForJob(sim.deps, 'job-1');
    assert.ok(sim.calls() <= 20, `asked ${sim.calls()} times`);
    assert.ok(sim.now() - 100_000 <= 5_000, `saw the end ${sim.now() - 100_000} ms late`);
  });

  it('survives a poll that still fails after the transport retried, waiting at least the Retry-After', async () => {
    const sim = simulated((_now, call) => (call === 1 ? unavailable(90_000) : call === 2 ? job({ status: 'CANCELLED' }) : job({ status: 'CANCELLATION_REQUESTED' })));
    const final = await waitForJob(sim.deps, 'job-1');
    assert.equal(final.status, 'CANCELLED');
    assert.deepEqual(sim.sleeps, [1000, 90_000]);
  });

  it('gives up after too many transient failures in a row, and at once on a 404', async () => {
    const down = simulated(() => unavailable());
    const failure = await rejectionOf(waitForJob(down.deps, 'job-1', { maxTransientFailures: 2 }));
    assert.equal((failure as MistralApiError).status, 503);
    assert.equal(down.calls(), 3);

    const gone = simulated(() => new MistralApiError({ kind: 'http', status: 404, message: 'Batch job not found' }));
    assert.equal(((await rejectionOf(waitForJob(gone.deps, 'job-1'))) as Error).message, 'Batch job not found');
    assert.equal(gone.calls(), 1);
  });

  it('stops when cancelled, between polls', async () => {
    const controller = new AbortController();
    const sim = simulated(() => job());
    const failure = await rejectionOf(waitForJob(sim.deps, 'job-1', { signal: controller.signal, onProgress: (p) => p.polls === 3 && controller.abort() }));
    assert.ok(isAbortError(failure));
    assert.equal(sim.calls(), 3);
  });

  it('treats an unknown status as still running', async () => {
    const sim = simulated((_now, call) => job({ status: call < 2 ? 'VALIDATING' : 'FAILED' }));
    assert.equal((await waitForJob(sim.deps, 'job-1')).status, 'FAILED');
    assert.equal(sim.calls(), 3);
  });

  it('schedule: clamps its settings to sane values', () => {
    const schedule = new PollSchedule({ minIntervalMs: 0, maxIntervalMs: -5, backoff: 0.5 });
    assert.equal(schedule.next(job(), 0), 1);
    assert.equal(schedule.next(job(), 1), 1);
  });
});

describe('batch answers parsing', () => {
  it('reads a job leniently: open status, missing optional fields, string errors', () => {
    const parsed = parseBatchJob({
      id: 'j', input_files: 'not-an-array', endpoint: '/v1/ocr', status: 'NEW_STATUS', created_at: 5,
      total_requests: 1, completed_requests: 0, succeeded_requests: 0, failed_requests: 0, errors: ['boom', { message: 'two', count: 2 }, 7],
    });
    assert.equal(parsed.object, 'batch');
    assert.deepEqual(parsed.input_files, []);
    assert.equal(parsed.status, 'NEW_STATUS');
    assert.deepEqual(parsed.errors, [{ message: 'boom', count: 1 }, { message: 'two', count: 2 }]);
    assert.equal(parsed.output_file, null);
  });

  it('refuses a job without its id or counters, and a list whose data is not an array', () => {
    assert.throws(() => parseBatchJob({ status: 'QUEUED' }), /no "id" string/);
    assert.throws(() => parseBatchJob({ id: 'j', endpoint: 'e', status: 'QUEUED', created_at: 1 }), /no "total_requests" number/);
    assert.throws(() => parseBatchJobList({ data: {}, total: 0 }), /not an array/);
    assert.deepEqual(parseBatchJobList({ total: 0 }).data, []);
  });
});
