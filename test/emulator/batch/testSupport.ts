/**
 * Helpers for tests that drive batch jobs on an emulator started with `startTestEmulator({ batchRate })`.
 * Everything goes over real HTTP, so a client under test and these helpers see the same server.
 */
import * as assert from 'node:assert/strict';
import { call, upload, type ApiResponse } from '../testSupport';
import type { BatchSettings } from './controls';
import { isTerminal, type BatchJobWire, type BatchStatus, type FailRule } from './types';

export type { BatchJobWire, BatchStatus, FailRule, ResultLine } from './types';
export type { BatchSettings } from './controls';

/** A rate at which small test jobs finish within a tick or two. */
export const FAST_BATCH_RATE = 100_000;

export interface BatchLine {
  custom_id?: string | null;
  body: Record<string, unknown>;
}

/** Chat requests `{custom_id: "<prefix>-<i>", body: {messages: [{role: "user", content: "Question <i>"}]}}`. */
export function chatLines(count: number, prefix = 'req'): BatchLine[] {
  return Array.from({ length: count }, (_, i) => ({
    custom_id: `${prefix}-${i}`,
    body: { max_tokens: 32, messages: [{ role: 'user', content: `Question ${i}` }] },
  }));
}

/** Uploads JSONL (lines as objects or raw strings) with purpose `batch`; resolves to the file id. */
export async function uploadBatchInput(baseUrl: string, lines: (BatchLine | string)[], filename = 'requests.jsonl'): Promise<string> {
  const content = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
  const res = await upload(baseUrl, { filename, content, purpose: 'batch' });
  assert.equal(res.status, 200, res.body.toString());
  return res.json.id as string;
}

export async function createBatchJob(baseUrl: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return call(baseUrl, '/v1/batch/jobs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

export async function getBatchJob(baseUrl: string, id: string, inline = false): Promise<BatchJobWire> {
  const res = await call(baseUrl, `/v1/batch/jobs/${id}${inline ? '?inline=true' : ''}`);
  assert.equal(res.status, 200, res.body.toString());
  return res.json as BatchJobWire;
}

/**
 * Polls until the job reaches one of `statuses` (default: any terminal one) and returns it, with
 * `outputs` when `inline`. Fails the test after `timeoutMs`.
 */
export async function waitForBatchJob(
  baseUrl: string, id: string, options: { statuses?: BatchStatus[]; timeoutMs?: number; inline?: boolean } = {},
): Promise<BatchJobWire> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const job = await getBatchJob(baseUrl, id, options.inline);
    if (options.statuses ? options.statuses.includes(job.status) : isTerminal(job.status)) return job;
    if (Date.now() > deadline) assert.fail(`job ${id} still ${job.status} (${job.completed_requests}/${job.total_requests})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The lines of a result file, parsed. */
export async function readJsonl(baseUrl: string, fileId: string): Promise<Record<string, unknown>[]> {
  const res = await call(baseUrl, `/v1/files/${fileId}/content`);
  assert.equal(res.status, 200, res.body.toString());
  return res.body.toString('utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Lines of jobs created afterwards whose custom_id and/or model match go to the error file. */
export async function failBatchRequests(baseUrl: string, rule: FailRule): Promise<void> {
  const res = await call(baseUrl, '/_emulator/batch/failures', { method: 'POST', body: JSON.stringify(rule) });
  assert.equal(res.status, 200, res.body.toString());
}

export async function clearBatchFailures(baseUrl: string): Promise<void> {
  const res = await call(baseUrl, '/_emulator/batch/failures', { method: 'DELETE' });
  assert.equal(res.status, 200, res.body.toString());
}

/** `{rate: 0}` freezes every job where it is (only timeouts still fire); a positive rate resumes them. */
export async function setBatchSettings(baseUrl: string, settings: BatchSettings): Promise<void> {
  const res = await call(baseUrl, '/_emulator/batch/settings', { method: 'POST', body: JSON.stringify(settings) });
  assert.equal(res.status, 200, res.body.toString());
}
