/**
 * `--seed demo` batch jobs, one in every status. The finished one's result files are produced by the engine's
 * own line answering; they are the demo's only `mistral` files, so the jobs that stopped early stopped before
 * any line ran (the Files list of the demo stays as small as before). The QUEUED and CANCELLATION_REQUESTED jobs
 * are held for an hour so a demo can see them; the RUNNING one moves at the configured rate.
 */
import { promises as fs } from 'node:fs';
import type { FileStore } from '../store';
import type { BatchControls } from './controls';
import { summariseFailures } from './engine';
import type { JobStore } from './jobStore';
import type { FileLookup } from './modelSupport';
import { answerEntry, parseLines, processingOrder, type InputEntry } from './requestLines';
import type { CreateJobInput } from './requestValidation';
import { writeResultFiles } from './resultFiles';
import { newJob } from './routes';
import type { BatchErrorEntry, BatchStatus, FailRule, ResultLine, StoredJob } from './types';

const HOUR_MS = 3_600_000;
const QUESTIONS = [
  'How do I reset my password?', 'Can I change the billing currency?', 'Where can I download my invoices?',
  'Do you support SSO?', 'How do I export my data?', 'Is there a mobile app?',
];

/** The demo's finished job, whose result files the Files list shows. */
export const DEMO_BATCH_JOB_ID = '7c1e5a0f-2b9d-4d4e-9a61-3f0c2d8e4b17';

interface SeedSpec {
  id?: string;
  input: Partial<CreateJobInput> & { endpoint: string };
  status: BatchStatus;
  hoursAgo: number;
  /** Fraction of the lines answered before the job stopped (1 for SUCCESS). */
  done: number;
  failRules?: FailRule[];
  errors?: BatchErrorEntry[];
  hold?: boolean;
}

const chatRequests = (count: number, prefix: string): NonNullable<CreateJobInput['requests']> =>
  Array.from({ length: count }, (_, i) => ({
    custom_id: `${prefix}-${i + 1}`,
    body: { max_tokens: 64, messages: [{ role: 'user', content: `${QUESTIONS[i % QUESTIONS.length]} (#${i + 1})` }] },
  }));

export async function seedDemoJobs(store: FileStore, jobs: JobStore, controls: BatchControls): Promise<void> {
  const byName = (name: string): string | undefined => store.list().find((file) => file.filename === name)?.id;
  const tickets = byName('tickets-2026-10.jsonl');
  const training = byName('support-chat-train.jsonl');
  const invoice = byName('invoice-INV-2026-0142.pdf');
  const receipt = byName('receipt-scan.png');
  const base = { model: 'mistral-small-latest', agentId: null, timeoutHours: 24, inputFiles: [], requests: null };
  const specs: SeedSpec[] = [
    {
      input: { ...base, endpoint: '/v1/chat/completions', inputFiles: tickets ? [tickets] : [], requests: tickets ? null : chatRequests(12, 'ticket'), metadata: { job_type: 'support-triage' } },
      id: DEMO_BATCH_JOB_ID, status: 'SUCCESS', hoursAgo: 226, done: 1,
      failRules: [
        { customId: 'ticket-1003', statusCode: 400, message: 'Prompt contains 40123 tokens, too large for model with 32768 maximum context length' },
        { customId: 'ticket-1006', statusCode: 504, message: 'Request timed out' },
      ],
    },
    {
      input: { ...base, endpoint: '/v1/chat/completions', inputFiles: training ? [training] : [], metadata: { job_type: 'mistake' } },
      status: 'FAILED', hoursAgo: 170, done: 0,
      errors: [{ message: `Input file ${training} has purpose "fine-tune"; batch input files need purpose "batch"`, count: 1 }],
    },
    {
      input: { ...base, endpoint: '/v1/embeddings', model: 'mistral-embed', metadata: { job_type: 'search-index' },
        requests: QUESTIONS.map((q, i) => ({ custom_id: `doc-${i + 1}`, body: { input: [q] } })) },
      status: 'TIMEOUT_EXCEEDED', hoursAgo: 120, done: 0,
    },
    {
      input: { ...base, endpoint: '/v1/ocr', model: 'mistral-ocr-latest', metadata: { job_type: 'invoices' },
        requests: [invoice, receipt, invoice].map((id, i) => ({ custom_id: `scan-${i + 1}`, body: { document: { file_id: id ?? '00000000-0000-4000-8000-000000000000' } } })) },
      status: 'CANCELLED', hoursAgo: 50, done: 0,
    },
    { input: { ...base, endpoint: '/v1/chat/completions', requests: chatRequests(10_000, 'backfill'), metadata: { job_type: 'backfill' } }, status: 'RUNNING', hoursAgo: 0.5, done: 0.4 },
    { input: { ...base, endpoint: '/v1/moderations', model: 'mistral-moderation-latest', requests: QUESTIONS.map((q, i) => ({ custom_id: `msg-${i + 1}`, body: { input: q } })), metadata: { job_type: 'moderation' } }, status: 'CANCELLATION_REQUESTED', hoursAgo: 0.3, done: 0, hold: true },
    { input: { ...base, endpoint: '/v1/fim/completions', model: 'codestral-latest', requests: [{ custom_id: 'fim-1', body: { prompt: 'def fib(n):\n    ', suffix: '\n    return a' } }], metadata: { job_type: 'code' } }, status: 'QUEUED', hoursAgo: 0.1, done: 0, hold: true },
  ];
  const files: FileLookup = {
    read: async (id) => {
      const file = store.get(id);
      return file && { filename: file.filename, mimetype: file.mimetype, content: await fs.readFile(store.blobPath(id)) };
    },
  };
  for (const spec of specs) await seedJob(spec, store, jobs, controls, files);
}

async function seedJob(spec: SeedSpec, store: FileStore, jobs: JobStore, controls: BatchControls, files: FileLookup): Promise<void> {
  const input = { metadata: null, ...spec.input } as CreateJobInput;
  const createdAtMs = Date.now() - spec.hoursAgo * HOUR_MS;
  const job: StoredJob = { ...newJob(input, jobs.takeSeq(), controls, createdAtMs), failRules: spec.failRules ?? [] };
  if (spec.id) job.id = spec.id;
  const inlineLines = input.requests?.map((request) => JSON.stringify(request)).join('\n');
  const entries: InputEntry[] = [];
  const seen = new Map<string, string>();
  if (inlineLines !== undefined) parseLines(inlineLines, 'the inline requests', seen, entries);
  for (const id of input.inputFiles) parseLines(await fs.readFile(store.blobPath(id), 'utf8'), `file ${id}`, seen, entries);
  const started = spec.done === 0 && spec.status !== 'RUNNING' ? null : job.created_at + 40;
  Object.assign(job, { status: spec.status, started_at: started, validated: spec.status !== 'QUEUED' });
  if (spec.hold) job.holdUntilMs = Date.now() + HOUR_MS;
  if (spec.status !== 'FAILED' && spec.status !== 'QUEUED') job.total_requests = entries.length;
  const order = processingOrder(job.id, entries.length);
  const results: ResultLine[] = [];
  for (const index of order.slice(0, Math.round(entries.length * spec.done))) {
    results.push(await answerEntry(entries[index], { job, lineNumber: index + 1, files }));
  }
  job.completed_requests = results.length;
  job.failed_requests = results.filter((line) => line.error !== null).length;
  job.succeeded_requests = job.completed_requests - job.failed_requests;
  if (['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED'].includes(spec.status)) {
    const completedAt = job.created_at + (spec.status === 'TIMEOUT_EXCEEDED' ? 24 * 3600 : 40 + 2 * results.length);
    const written = await writeResultFiles(store, job.id, results, completedAt);
    Object.assign(job, {
      output_file: written.outputFile,
      error_file: written.errorFile,
      completed_at: completedAt,
      errors: spec.errors ?? summariseFailures(results, spec.status, job.timeoutHours),
    });
  }
  await jobs.add(job, inlineLines);
}
