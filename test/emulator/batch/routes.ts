/** The five /v1/batch/jobs routes and the batch test controls under /_emulator/batch/. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, methodNotAllowed, parseBooleanField, parseFileId, routeNotFound, validationError } from '../errors';
import { sendJson, type RequestContext } from '../http';
import { lastValue } from '../listQuery';
import type { FileStore } from '../store';
import { describeInvalidFailRule, describeInvalidSettings, type BatchControls } from './controls';
import type { BatchEngine } from './engine';
import type { JobStore } from './jobStore';
import { parseCreateRequest, parseJobListQuery, type CreateJobInput, type JobListQuery } from './requestValidation';
import { readResultLines } from './resultFiles';
import { toWire, type StoredJob } from './types';

export interface BatchEnv {
  store: FileStore;
  jobs: JobStore;
  engine: BatchEngine;
  controls: BatchControls;
}

const JOB_ROUTE = /^\/v1\/batch\/jobs\/([^/]+)(\/cancel)?\/?$/;
/** 10,000 inline requests with generous bodies (base64 images for OCR) fit. */
const MAX_CREATE_BODY = 256 * 1024 * 1024;

export const isBatchPath = (pathname: string): boolean => pathname === '/v1/batch' || pathname.startsWith('/v1/batch/');

export async function routeBatchApi(ctx: RequestContext, env: BatchEnv): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  const pathname = ctx.url.pathname;
  if (pathname === '/v1/batch/jobs' || pathname === '/v1/batch/jobs/') {
    if (method === 'POST') return create(ctx, env);
    if (method === 'GET') return list(ctx, env);
    throw methodNotAllowed(['GET', 'POST']);
  }
  const match = JOB_ROUTE.exec(pathname);
  if (!match) throw routeNotFound();
  if (match[2] === '/cancel') {
    if (method !== 'POST') throw methodNotAllowed(['POST']);
    const job = findJob(env, match[1]);
    // The answer is the job as the cancel left it (CANCELLATION_REQUESTED), as the service answers; the engine may
    // finish the cancel while the change is being saved, which a later GET shows.
    const answer = await env.engine.cancel(job);
    return sendJson(ctx, 200, answer);
  }
  if (method === 'GET') return retrieve(ctx, env, match[1]);
  if (method === 'DELETE') {
    const job = findJob(env, match[1]);
    await env.engine.remove(job);
    return sendJson(ctx, 200, { id: job.id, object: 'batch', deleted: true });
  }
  throw methodNotAllowed(['GET', 'DELETE']);
}

function findJob(env: BatchEnv, rawId: string): StoredJob {
  let decoded = rawId;
  try {
    decoded = decodeURIComponent(rawId);
  } catch {
    // Left as sent: the UUID check reports it.
  }
  const job = env.jobs.get(parseFileId(decoded, 'job_id'));
  if (!job) throw new HttpError(404, { detail: 'Batch job not found' });
  return job;
}

async function create(ctx: RequestContext, env: BatchEnv): Promise<void> {
  const input = parseCreateRequest(await readBody(ctx.req, MAX_CREATE_BODY));
  const job = newJob(input, env.jobs.takeSeq(), env.controls);
  const inlineLines = input.requests?.map((request) => JSON.stringify(request)).join('\n');
  await env.jobs.add(job, inlineLines);
  env.engine.activate(job);
  sendJson(ctx, 200, toWire(job));
}

export function newJob(input: CreateJobInput, seq: number, controls: BatchControls, createdAtMs = Date.now()): StoredJob {
  return {
    id: randomUUID(),
    object: 'batch',
    // Inline jobs have no input file: the emulator answers an empty list (the reference is silent).
    input_files: input.requests ? [] : input.inputFiles,
    metadata: input.metadata,
    endpoint: input.endpoint,
    model: input.model,
    agent_id: input.agentId,
    output_file: null,
    error_file: null,
    errors: [],
    status: 'QUEUED',
    created_at: Math.floor(createdAtMs / 1000),
    // As observed on the service: the counts stay 0 until the inputs have been read.
    total_requests: 0,
    completed_requests: 0,
    succeeded_requests: 0,
    failed_requests: 0,
    started_at: null,
    completed_at: null,
    createdAtMs,
    seq,
    timeoutHours: input.timeoutHours,
    inline: input.requests !== null,
    validated: false,
    failRules: controls.snapshot(),
  };
}

async function retrieve(ctx: RequestContext, env: BatchEnv, rawId: string): Promise<void> {
  const job = findJob(env, rawId);
  const raw = lastValue(ctx.url.searchParams, 'inline');
  let inline = false;
  if (raw !== undefined && raw !== '') {
    const parsed = parseBooleanField(['query', 'inline'], raw);
    if (typeof parsed !== 'boolean') throw validationError([parsed]);
    inline = parsed;
  }
  // Results exist only once the job is over ([D-batch]: "accessible once the entire batch processing is complete").
  const finished = job.completed_at !== null;
  sendJson(ctx, 200, toWire(job, inline && finished ? await readResultLines(env.store, job) : null));
}

function list(ctx: RequestContext, env: BatchEnv): void {
  const query = parseJobListQuery(ctx.url.searchParams);
  const matching = env.jobs.all().filter((job) => matches(job, query))
    .sort((a, b) => (a.createdAtMs - b.createdAtMs || a.seq - b.seq) * (query.order === 'created' ? 1 : -1));
  const start = query.page * query.pageSize;
  sendJson(ctx, 200, { data: matching.slice(start, start + query.pageSize).map((job) => toWire(job)), object: 'list', total: matching.length });
}

function matches(job: StoredJob, query: JobListQuery): boolean {
  // One API key is one user, so created_by_me=true keeps every job.
  return (query.statuses === undefined || query.statuses.includes(job.status))
    && (query.model === undefined || job.model === query.model)
    && (query.agentId === undefined || job.agent_id === query.agentId)
    && (query.createdAfterMs === undefined || job.createdAtMs > query.createdAfterMs)
    && Object.entries(query.metadata).every(([key, value]) => job.metadata?.[key] === value);
}

/** `/_emulator/batch/failures` (POST a FailRule, DELETE all) and `/_emulator/batch/settings` (GET, POST). */
export async function routeBatchControl(ctx: RequestContext, env: BatchEnv, route: string): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (route === 'batch/failures') {
    if (method === 'DELETE') {
      env.controls.clearFailures();
      return sendJson(ctx, 200, { cleared: true });
    }
    if (method !== 'POST') throw methodNotAllowed(['POST', 'DELETE']);
    const rule = await readControlJson(ctx, describeInvalidFailRule, 'FailRule');
    env.controls.failRequests(rule as Parameters<BatchControls['failRequests']>[0]);
    return sendJson(ctx, 200, { added: rule });
  }
  if (route === 'batch/settings') {
    if (method === 'POST') env.controls.configure(await readControlJson(ctx, describeInvalidSettings, 'settings object') as Parameters<BatchControls['configure']>[0]);
    else if (method !== 'GET') throw methodNotAllowed(['GET', 'POST']);
    return sendJson(ctx, 200, { ...env.controls.settings });
  }
  throw routeNotFound();
}

async function readControlJson(ctx: RequestContext, describe: (value: unknown) => string | undefined, what: string): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(await readBody(ctx.req, 64 * 1024));
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, { detail: `Body must be a JSON ${what}` });
  }
  const problem = describe(value);
  if (problem) throw new HttpError(400, { detail: `Invalid ${what}: ${problem}` });
  return value;
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, { detail: 'Body too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
