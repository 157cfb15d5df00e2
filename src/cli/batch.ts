/**
 * `mistral-files batch …`: batch jobs from a terminal, over the same client as the extension.
 * A wait that ends in any status but SUCCESS exits 1, so `batch wait JOB && batch results JOB` reads naturally.
 */
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { jobResultSources, joinBatchResults, newJoinStats, type JoinedResult } from '../api/batch/join';
import {
  KNOWN_BATCH_STATUSES,
  METADATA_KEY_MAX,
  METADATA_VALUE_MAX,
  TIMEOUT_HOURS_MAX,
  isTerminalStatus,
  type BatchJob,
} from '../api/batch/types';
import { checkDestination, writeAtomically, writeToStream } from '../api/files/download';
import { formatBytes } from '../util/format';
import { BATCH_BUILD_OPTIONS, BATCH_BUILD_USAGE, buildCommand } from './batchBuild';
import { JobProgressLine, progressText, renderJobDetails, renderJobList } from './batchRender';
import { UsageError, type CommandContext, type Options } from './commands';
import { printable, ProgressLine } from './render';

type BatchRunner = (ctx: CommandContext, positionals: string[], options: Options) => Promise<number | void>;

export const BATCH_USAGE = `  batch create --input FILE_ID|PATH... --endpoint E --model M [--metadata KEY=VALUE]... [--timeout-hours N] [--wait]
                               Start a batch job; a local PATH is checked with the batch rules and uploaded first
  batch list [--status S]... [--model M] [--page N] [--page-size N]
  batch get JOB                Show one job's details
  batch wait JOB               Follow a job to its end (progress on stderr); exit 1 unless it ends in SUCCESS
  batch cancel JOB             Ask for a job's cancellation
  batch delete JOB             Delete a job
  batch results JOB [--failed] [--out FILE]
                               One JSONL line per input request, in input order: custom_id, status
                               (succeeded|failed|missing), status_code, request, response, error
${BATCH_BUILD_USAGE}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Problems shown before refusing to upload; `validate` lists them all. */
const SHOWN_PROBLEMS = 5;

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function strings(options: Options, name: string): string[] {
  const value = options[name];
  return Array.isArray(value) ? value : [];
}

function wholeNumber(options: Options, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = text(options, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${name} needs a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}; got "${raw}"`);
  }
  return Number(raw);
}

function jobId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Give the batch job id' : `Give one batch job id only; got ${positionals.length}`);
  return positionals[0];
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function printJob(ctx: CommandContext, job: BatchJob): void {
  if (ctx.json) printJson(ctx, job);
  else ctx.stdout.write(renderJobDetails(job));
}

/** "chat/completions" and "/v1/chat/completions" both name the chat endpoint. */
function normalizeEndpoint(raw: string): string {
  const trimmed = raw.trim().replace(/^\/+/, '');
  return trimmed.startsWith('v1/') ? `/${trimmed}` : `/v1/${trimmed}`;
}

function parseMetadata(pairs: string[]): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? '' : pair.slice(0, equals);
    const value = equals < 0 ? '' : pair.slice(equals + 1);
    if (key.length < 1 || key.length > METADATA_KEY_MAX || value.length < 1 || value.length > METADATA_VALUE_MAX) {
      throw new UsageError(`--metadata needs KEY=VALUE (key 1 to ${METADATA_KEY_MAX} characters, value 1 to ${METADATA_VALUE_MAX}); got "${pair}"`);
    }
    metadata[key] = value;
  }
  return metadata;
}

/**
 * Every local file is validated before any is uploaded, so a bad second file does not leave the first one
 * uploaded for nothing. The validator is loaded only here: it brings worker threads the other commands never need.
 */
async function resolveInputs(ctx: CommandContext, inputs: string[]): Promise<string[]> {
  const resolved: Array<{ id: string } | { path: string; shown: string }> = [];
  for (const input of inputs) {
    const localPath = path.resolve(ctx.cwd, input);
    const stat = await fs.promises.stat(localPath).catch(() => undefined);
    if (stat?.isFile()) resolved.push({ path: localPath, shown: input });
    else if (UUID.test(input.trim())) resolved.push({ id: input.trim() });
    else throw new UsageError(`--input ${input}: no such file, and not a file id`);
  }
  const local = resolved.filter((entry): entry is { path: string; shown: string } => 'path' in entry);
  if (local.length > 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require keeps it out of start-up
    const { validateFile } = require('../validation/index') as typeof import('../validation/index');
    for (const entry of local) {
      const result = await validateFile(entry.path, { purpose: 'batch', maxDiagnostics: SHOWN_PROBLEMS, signal: ctx.signal });
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (result.summary.errors === 0) continue;
      const shown = printable(entry.shown);
      const lines = errors.map((d) => `  ${shown}:${d.line}:${d.column}: ${d.code} ${d.message}\n`);
      const more = result.summary.errors > errors.length ? `  … and ${result.summary.errors - errors.length} more\n` : '';
      throw new UsageError(
        `${shown} is not a valid batch file (${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'}); nothing was uploaded:\n${lines.join('')}${more}` +
          `Fix it, or see every problem with: mistral-files validate --purpose batch ${shown}`,
      );
    }
  }
  const ids: string[] = [];
  for (const entry of resolved) {
    if ('id' in entry) {
      ids.push(entry.id);
      continue;
    }
    const name = path.basename(entry.path);
    const progress = new ProgressLine(ctx.stderr, 'Uploading', printable(name));
    try {
      const file = await ctx.api.files.upload(entry.path, { purpose: 'batch', signal: ctx.signal, onProgress: (p) => progress.update(p) });
      progress.finish();
      if (!ctx.json) ctx.stderr.write(`Uploaded ${printable(name)} (${formatBytes(file.bytes)}) as ${file.id}\n`);
      ids.push(file.id);
    } finally {
      progress.finish();
    }
  }
  return ids;
}

async function createCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<number | void> {
  if (positionals.length > 0) throw new UsageError(`batch create takes its files with --input; got "${positionals[0]}"`);
  const inputs = strings(options, 'input');
  const endpoint = text(options, 'endpoint');
  const model = text(options, 'model');
  const agentId = text(options, 'agent-id');
  if (inputs.length === 0) throw new UsageError('Give at least one --input (a batch JSONL file or the id of an uploaded one)');
  if (!endpoint) throw new UsageError('Give --endpoint, e.g. /v1/chat/completions');
  if (!model && !agentId) throw new UsageError('Give --model, e.g. mistral-small-latest');
  const metadata = parseMetadata(strings(options, 'metadata'));
  const timeoutHours = wholeNumber(options, 'timeout-hours', 1, TIMEOUT_HOURS_MAX);
  const inputFiles = await resolveInputs(ctx, inputs);
  const job = await ctx.api.batch.create(
    { input_files: inputFiles, endpoint: normalizeEndpoint(endpoint), model: model ?? null, agent_id: agentId ?? null, metadata, timeout_hours: timeoutHours },
    { signal: ctx.signal },
  );
  if (options.wait) {
    if (!ctx.json) ctx.stderr.write(`Created batch job ${job.id}\n`);
    return waitAndReport(ctx, job.id);
  }
  if (ctx.json) printJson(ctx, job);
  else ctx.stdout.write(`Created batch job ${job.id} (${job.status}); follow it with: mistral-files batch wait ${job.id}\n`);
}

async function waitAndReport(ctx: CommandContext, id: string): Promise<number> {
  const progress = new JobProgressLine(ctx.stderr);
  let job: BatchJob;
  try {
    job = await ctx.api.batch.waitFor(id, { signal: ctx.signal, onProgress: (p) => progress.update(p) });
  } finally {
    progress.finish();
  }
  printJob(ctx, job);
  if (job.status === 'SUCCESS') return 0;
  const reasons = job.errors.map((error) => error.message).join('; ');
  ctx.stderr.write(`Batch job ${job.id} ended ${job.status}${reasons ? `: ${printable(reasons)}` : ''}\n`);
  return 1;
}

async function waitCommand(ctx: CommandContext, positionals: string[]): Promise<number> {
  return waitAndReport(ctx, jobId(positionals));
}

async function listCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  if (positionals.length > 0) throw new UsageError(`batch list takes no arguments; got "${positionals[0]}"`);
  const known: readonly string[] = KNOWN_BATCH_STATUSES;
  const status = strings(options, 'status').map((value) => {
    const upper = value.trim().toUpperCase();
    if (!known.includes(upper)) throw new UsageError(`--status must be one of ${known.join(', ')}; got "${value}"`);
    return upper;
  });
  const page = wholeNumber(options, 'page', 0) ?? 0;
  const list = await ctx.api.batch.list(
    { status: status.length > 0 ? status : undefined, model: text(options, 'model'), page, pageSize: wholeNumber(options, 'page-size', 1) },
    { signal: ctx.signal },
  );
  if (ctx.json) printJson(ctx, list);
  else ctx.stdout.write(renderJobList(list, page));
}

async function getCommand(ctx: CommandContext, positionals: string[]): Promise<void> {
  printJob(ctx, await ctx.api.batch.get(jobId(positionals), { signal: ctx.signal }));
}

async function cancelCommand(ctx: CommandContext, positionals: string[]): Promise<void> {
  const job = await ctx.api.batch.cancel(jobId(positionals), { signal: ctx.signal });
  if (ctx.json) printJson(ctx, job);
  else if (isTerminalStatus(job.status)) ctx.stdout.write(`Batch job ${job.id} had already ended (${job.status})\n`);
  else ctx.stdout.write(`Cancellation requested for batch job ${job.id} (${job.status}, ${progressText(job)})\n`);
}

async function deleteCommand(ctx: CommandContext, positionals: string[]): Promise<void> {
  const result = await ctx.api.batch.delete(jobId(positionals), { signal: ctx.signal });
  if (ctx.json) printJson(ctx, result);
  else ctx.stdout.write(result.deleted ? `Deleted batch job ${result.id}\n` : `Mistral did not delete batch job ${result.id}\n`);
}

/** JSONL in blocks of ~64 KB: one write per block instead of one per line, and never the whole output in memory. */
async function* jsonlBlocks(records: AsyncIterable<JoinedResult>, keep: (record: JoinedResult) => boolean): AsyncGenerator<Buffer> {
  let block: string[] = [];
  let size = 0;
  for await (const record of records) {
    if (!keep(record)) continue;
    const line = `${JSON.stringify(record)}\n`;
    block.push(line);
    size += line.length;
    if (size >= 64 * 1024) {
      yield Buffer.from(block.join(''), 'utf8');
      block = [];
      size = 0;
    }
  }
  if (block.length > 0) yield Buffer.from(block.join(''), 'utf8');
}

async function resultsCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const id = jobId(positionals);
  const out = text(options, 'out');
  const destination = out === undefined ? undefined : path.resolve(ctx.cwd, out);
  const destinationKind = destination ? await checkDestination(destination, 'batch results') : undefined;
  const job = await ctx.api.batch.get(id, { signal: ctx.signal });
  if (!isTerminalStatus(job.status) && !job.output_file && !job.error_file) {
    throw new UsageError(`Batch job ${job.id} is ${job.status} (${progressText(job)}); its results come when it ends. Follow it with: mistral-files batch wait ${job.id}`);
  }
  const stats = newJoinStats();
  const keep = options.failed ? (record: JoinedResult) => record.status !== 'succeeded' : () => true;
  const blocks = jsonlBlocks(joinBatchResults(jobResultSources(ctx.api.files, job), { signal: ctx.signal, stats }), keep);
  if (destination) {
    // A FIFO or a device is written through, never replaced by a regular file.
    if (destinationKind === 'stream') await writeToStream(blocks, destination, undefined, () => undefined);
    else await writeAtomically(blocks, destination, undefined, () => undefined);
  } else {
    for await (const block of blocks) {
      if (!ctx.stdout.write(block)) await once(ctx.stdout, 'drain');
    }
  }
  const summary = { job: job.id, status: job.status, ...stats, ...(destination ? { path: destination } : {}) };
  if (ctx.json && destination) printJson(ctx, summary);
  else if (ctx.json) ctx.stderr.write(`${JSON.stringify(summary)}\n`);
  else {
    const unmatched = stats.unmatchedResults > 0 ? `; ${stats.unmatchedResults} result lines matched no request` : '';
    const where = destination ? `; saved to ${destination}` : '';
    ctx.stderr.write(`${stats.requests} requests: ${stats.succeeded} succeeded, ${stats.failed} failed, ${stats.missing} missing${unmatched}${where}\n`);
  }
}

export const BATCH_COMMANDS: Record<string, { options: ParseArgsConfig['options']; run: BatchRunner }> = {
  create: {
    options: {
      input: { type: 'string', multiple: true },
      endpoint: { type: 'string' },
      model: { type: 'string' },
      'agent-id': { type: 'string' },
      metadata: { type: 'string', multiple: true },
      'timeout-hours': { type: 'string' },
      wait: { type: 'boolean' },
    },
    run: createCommand,
  },
  list: { options: { status: { type: 'string', multiple: true }, model: { type: 'string' }, page: { type: 'string' }, 'page-size': { type: 'string' } }, run: listCommand },
  get: { options: {}, run: getCommand },
  wait: { options: {}, run: waitCommand },
  cancel: { options: {}, run: cancelCommand },
  delete: { options: {}, run: deleteCommand },
  results: { options: { failed: { type: 'boolean' }, out: { type: 'string', short: 'o' } }, run: resultsCommand },
  build: { options: BATCH_BUILD_OPTIONS, run: buildCommand },
};
