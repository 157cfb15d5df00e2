/**
 * Batch benchmark, two rows each side by side:
 * - `batch results` join of a generated job (MF_BENCH_BATCH_REQUESTS, default 100,000 requests; the output lines
 *   in a scrambled order, 2% in the error file, 0.1% missing), read from local files through the same
 *   joinBatchResults the CLI uses, against a naive join (readFileSync, JSON.parse of every line into maps). Each
 *   contender runs in its own child process: wall time with process start-up, peak RSS of that process.
 * - the polling cost of watching 50 active jobs for a minute: GET requests made by waitFor's adaptive schedule
 *   (simulated clock, so it takes milliseconds) against the cookbook's one GET per job every 2 s.
 * Run alone: `node out/test/bench/batch.js`.
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinBatchResults, localFileSource, newJoinStats, type JoinedResult } from '../../src/api/batch/join';
import { parseBatchJob } from '../../src/api/batch/parse';
import type { BatchJob } from '../../src/api/batch/types';
import { waitForJob } from '../../src/api/batch/wait';
import { measure } from './measure';
import { runAsScript } from './table';
import type { BenchRow } from './types';

const MB = 1024 * 1024;

interface ChildReport {
  seconds: number;
  records: number;
  succeeded: number;
  failed: number;
  missing: number;
}

function answer(i: number): string {
  const words = 'a batch answer long enough to look like a real completion with a few sentences of text in it'.split(' ');
  return Array.from({ length: 160 }, (_, k) => words[(i + k * 3) % words.length]).join(' ');
}

async function writeLines(path: string, count: number, line: (index: number) => string | undefined): Promise<void> {
  const out = createWriteStream(path);
  let block: string[] = [];
  for (let index = 0; index < count; index++) {
    const text = line(index);
    if (text !== undefined) block.push(text);
    if (block.length === 2000 || index === count - 1) {
      if (!out.write(block.join(''))) await once(out, 'drain');
      block = [];
    }
  }
  out.end();
  await once(out, 'finish');
}

/** Inputs in order; results visited in a scrambled order (a stride coprime with the count), as the service may. */
export async function generateJob(dir: string, requests: number): Promise<{ inputs: string; outputs: string; errors: string }> {
  const inputs = join(dir, 'inputs.jsonl');
  const outputs = join(dir, 'outputs.jsonl');
  const errors = join(dir, 'errors.jsonl');
  let stride = 7919;
  while (gcd(stride, requests) !== 1) stride++;
  const scrambled = (k: number): number => (k * stride) % requests;
  await writeLines(inputs, requests, (i) => `${JSON.stringify({ custom_id: `request-${i}`, body: { max_tokens: 256, messages: [{ role: 'user', content: `Question ${i}: summarise the document in three sentences.` }] } })}\n`);
  await writeLines(outputs, requests, (k) => {
    const i = scrambled(k);
    if (i % 50 === 7 || i % 1000 === 999) return undefined;
    return `${JSON.stringify({ id: `batch-0a1b2c3d-${i + 1}-5befe8c6-b8cb-4858-a068-d600cf5ed73f`, custom_id: `request-${i}`, response: { status_code: 200, body: { id: `cmpl-${i}`, object: 'chat.completion', model: 'mistral-small-latest', created: 1761577934, usage: { prompt_tokens: 20, completion_tokens: 160, total_tokens: 180 }, choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer(i), tool_calls: null } }] } }, error: null })}\n`;
  });
  await writeLines(errors, requests, (k) => {
    const i = scrambled(k);
    if (i % 50 !== 7) return undefined;
    return `${JSON.stringify({ id: `batch-0a1b2c3d-${i + 1}-err`, custom_id: `request-${i}`, response: { status_code: 400, body: { object: 'error', message: 'Invalid request body', type: 'invalid_request_error' } }, error: { message: 'Invalid request body' } })}\n`;
  });
  return { inputs, outputs, errors };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

async function runJoinChild(mode: 'ours' | 'naive', dir: string): Promise<{ seconds: number; peakRssMb: number; report: ChildReport }> {
  const measured = await measure(process.execPath, [__filename, 'child', mode, dir], process.env, process.cwd());
  if (measured.code !== 0) throw new Error(`batch bench child (${mode}) exited with ${measured.code}: ${measured.stderr.slice(-500)}`);
  return { seconds: measured.seconds, peakRssMb: measured.peakRssMb, report: JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as ChildReport };
}

/** 50 jobs for 60 s: queued throughout, starting mid-minute, running steadily at different speeds, stalled. */
function simulatedJob(k: number, nowMs: number): BatchJob {
  const total = 10_000;
  const kind = k % 5;
  const startAt = kind === 0 ? Infinity : kind === 1 ? 20_000 + k * 300 : 0;
  const rate = kind === 2 ? 20 : kind === 3 ? 100 : kind === 4 ? 5 : 50;
  const running = nowMs >= startAt;
  // Kind 4 stalls for 20 s mid-minute, then moves again.
  const activeMs = running ? (kind === 4 && nowMs > 30_000 ? Math.max(30_000, nowMs - 20_000) : nowMs) - (Number.isFinite(startAt) ? startAt : 0) : 0;
  const done = Math.min(total - 1, Math.floor((Math.max(0, activeMs) / 1000) * rate));
  return parseBatchJob({
    id: `job-${k}`, input_files: ['f'], endpoint: '/v1/chat/completions', status: running ? 'RUNNING' : 'QUEUED', created_at: 0,
    total_requests: running ? total : 0, completed_requests: done, succeeded_requests: done, failed_requests: 0, errors: [],
  });
}

export async function countAdaptivePolls(jobs: number, windowMs: number): Promise<number> {
  let requests = 0;
  const stop = new Error('window over');
  await Promise.all(Array.from({ length: jobs }, async (_, k) => {
    let now = 0;
    try {
      await waitForJob({
        get: async () => {
          requests++;
          return simulatedJob(k, now);
        },
        sleep: async (ms) => {
          now += ms;
          if (now >= windowMs) throw stop;
        },
        now: () => now,
        operation: 'bench',
      }, `job-${k}`);
    } catch (err) {
      // waitFor reports the interrupted sleep as a cancellation: the simulated minute is over.
      if (now < windowMs) throw err;
    }
  }));
  return requests;
}

export async function runBatchBench(): Promise<BenchRow[]> {
  const requests = Number(process.env.MF_BENCH_BATCH_REQUESTS ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-batch-'));
  const rows: BenchRow[] = [];
  try {
    const files = await generateJob(dir, requests);
    const megabytes = (statSync(files.inputs).size + statSync(files.outputs).size + statSync(files.errors).size) / MB;
    const reports: ChildReport[] = [];
    for (const [mode, contender] of [['naive', 'naive baseline'], ['ours', 'ours']] as const) {
      const { seconds, peakRssMb, report } = await runJoinChild(mode, dir);
      reports.push(report);
      rows.push({
        section: 'batch',
        contender,
        operation: `results join, ${requests.toLocaleString('en-US')} requests`,
        megabytes,
        seconds,
        peakRssMb,
        note: `${report.records.toLocaleString('en-US')} records (${report.succeeded} ok, ${report.failed} failed, ${report.missing} missing), ${report.seconds.toFixed(2)} s inside; ${mode === 'ours' ? 'streamed, index of byte ranges' : 'every line parsed into maps'}`,
      });
    }
    if (JSON.stringify({ ...reports[0], seconds: 0 }) !== JSON.stringify({ ...reports[1], seconds: 0 })) {
      throw new Error(`the two joins disagree: ${JSON.stringify(reports)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const jobs = 50;
  const windowMs = 60_000;
  const ours = await countAdaptivePolls(jobs, windowMs);
  const naive = jobs * Math.ceil(windowMs / 2000);
  rows.push(
    { section: 'batch', contender: 'cookbook loop', operation: `watch ${jobs} active jobs for 60 s`, megabytes: 0, seconds: 60, peakRssMb: Number.NaN, note: `${naive} GET requests (one per job every 2 s)` },
    { section: 'batch', contender: 'ours', operation: `watch ${jobs} active jobs for 60 s`, megabytes: 0, seconds: 60, peakRssMb: Number.NaN, note: `${ours} GET requests (waitFor's adaptive schedule, simulated clock)` },
  );
  return rows;
}

async function childMain(mode: string, dir: string): Promise<void> {
  const started = process.hrtime.bigint();
  const report: ChildReport = { seconds: 0, records: 0, succeeded: 0, failed: 0, missing: 0 };
  const out = createWriteStream(join(dir, `joined-${mode}.jsonl`));
  const write = async (record: JoinedResult): Promise<void> => {
    report.records++;
    report[record.status]++;
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  if (mode === 'naive') {
    const index = new Map<string, Record<string, unknown>>();
    for (const name of ['outputs.jsonl', 'errors.jsonl']) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        if (!line) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (!index.has(String(parsed.custom_id))) index.set(String(parsed.custom_id), parsed);
      }
    }
    for (const line of readFileSync(join(dir, 'inputs.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const input = JSON.parse(line) as { custom_id: string; body: unknown };
      const result = index.get(input.custom_id) as { response?: { status_code: number; body: unknown }; error?: { message: string } | null } | undefined;
      const failed = !result?.response || result.error != null || result.response.status_code >= 300;
      await write({
        custom_id: input.custom_id,
        status: result ? (failed ? 'failed' : 'succeeded') : 'missing',
        status_code: result?.response?.status_code ?? null,
        request: input.body,
        response: result?.response?.body ?? null,
        error: result ? (result.error ?? null) : { message: 'No result for this request' },
      });
    }
  } else {
    const stats = newJoinStats();
    const sources = { inputs: [localFileSource(join(dir, 'inputs.jsonl'))], results: [localFileSource(join(dir, 'outputs.jsonl')), localFileSource(join(dir, 'errors.jsonl'))] };
    for await (const record of joinBatchResults(sources, { stats, tempDir: dir })) await write(record);
  }
  out.end();
  await once(out, 'finish');
  report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) runAsScript(runBatchBench, { child: childMain });
