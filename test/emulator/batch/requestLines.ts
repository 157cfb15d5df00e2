/**
 * From input lines to result lines: parsing (bad lines become error lines instead of failing the job),
 * the fail rules tests set, and the per-endpoint emulated models.
 */
import { classifications, chatCompletion, conversation, embeddings, fimCompletion, moderations } from './textModels';
import { ocr, transcription } from './documentModels';
import { derivedUuid, isObject, refused, type Body, type FileLookup, type Outcome } from './modelSupport';
import type { FailRule, ResultLine, StoredJob } from './types';

export interface InputEntry {
  customId: string | null;
  body: Body | undefined;
  /** A line unusable as read; it goes to the error file without reaching the model. */
  problem: (Outcome & { ok: false }) | undefined;
}

/** Splits JSONL text into entries; blank lines are not requests. `where` names the source in messages. */
export function parseLines(text: string, where: string, seen: Map<string, string>, entries: InputEntry[]): void {
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const at = `line ${index + 1} of ${where}`;
    entries.push(parseLine(line, at, seen));
  });
}

function parseLine(line: string, at: string, seen: Map<string, string>): InputEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { customId: null, body: undefined, problem: badLine(`Invalid JSON on ${at}: ${(err as Error).message}`) };
  }
  if (!isObject(value)) return { customId: null, body: undefined, problem: badLine(`Expected a JSON object on ${at}`) };
  const rawId = value.custom_id;
  if (rawId !== undefined && rawId !== null && typeof rawId !== 'string') {
    return { customId: null, body: undefined, problem: badLine(`custom_id must be a string on ${at}`) };
  }
  const customId = typeof rawId === 'string' ? rawId : null;
  if (customId !== null) {
    const first = seen.get(customId);
    if (first !== undefined) return { customId, body: undefined, problem: badLine(`Duplicate custom_id "${customId}" on ${at} (first used on ${first})`) };
    seen.set(customId, at);
  }
  if (!isObject(value.body)) {
    return { customId, body: undefined, problem: badLine(`${value.body === undefined ? 'Missing' : 'Invalid'} "body" object on ${at}`) };
  }
  return { customId, body: value.body, problem: undefined };
}

function badLine(message: string): Outcome & { ok: false } {
  return refused(400, message) as Outcome & { ok: false };
}

export interface LineContext {
  job: StoredJob;
  /** 1-based position in the input, as in the service's result ids. */
  lineNumber: number;
  files: FileLookup;
}

/** The agent jobs' model when neither the job nor the line names one (the emulator's choice). */
export const AGENT_DEFAULT_MODEL = 'mistral-medium-latest';

export async function answerEntry(entry: InputEntry, context: LineContext): Promise<ResultLine> {
  const { job, lineNumber } = context;
  const id = `batch-${job.id.slice(0, 8)}-${lineNumber}-${derivedUuid(`${job.id}:${lineNumber}`)}`;
  const model = job.model ?? (typeof entry.body?.model === 'string' ? entry.body.model : AGENT_DEFAULT_MODEL);
  const outcome = entry.problem ?? ruledOut(job.failRules, entry.customId, model) ?? await answer(job.endpoint, entry.body as Body, {
    model,
    agentId: job.agent_id,
    created: job.started_at ?? job.created_at,
    seed: `${job.id}:${lineNumber}`,
    files: context.files,
  });
  if (outcome.ok) return { id, custom_id: entry.customId, response: { status_code: 200, body: outcome.body }, error: null };
  return { id, custom_id: entry.customId, response: { status_code: outcome.status, body: outcome.body }, error: { message: outcome.message } };
}

function ruledOut(rules: FailRule[], customId: string | null, model: string): Outcome | undefined {
  const rule = rules.find((candidate) =>
    (candidate.customId === undefined || candidate.customId === customId) && (candidate.model === undefined || candidate.model === model));
  if (!rule) return undefined;
  if (rule.customId === undefined) {
    // A model told to fail answers like an unknown model does on the live API.
    const message = rule.message ?? `Invalid model: ${model}`;
    return refused(rule.statusCode ?? 400, message, 'invalid_model', '1500');
  }
  return refused(rule.statusCode ?? 500, rule.message ?? 'Internal server error', 'internal_server_error');
}

async function answer(endpoint: string, body: Body, ctx: Parameters<typeof chatCompletion>[1]): Promise<Outcome> {
  switch (endpoint) {
    case '/v1/chat/completions': return chatCompletion(body, ctx);
    case '/v1/embeddings': return embeddings(body, ctx);
    case '/v1/fim/completions': return fimCompletion(body, ctx);
    case '/v1/moderations': return moderations(body, ctx, false);
    case '/v1/chat/moderations': return moderations(body, ctx, true);
    case '/v1/classifications': return classifications(body, ctx, false);
    case '/v1/chat/classifications': return classifications(body, ctx, true);
    case '/v1/conversations': return conversation(body, ctx);
    case '/v1/ocr': return ocr(body, ctx);
    case '/v1/audio/transcriptions': return transcription(body, ctx);
    default: return refused(400, `Unsupported endpoint ${endpoint}`);
  }
}

/**
 * The order lines are processed and written: a permutation seeded by the job id, so clients must join on
 * custom_id (the service does not promise input order) while every run of the same job agrees.
 */
export function processingOrder(jobId: string, count: number): number[] {
  const order = [...Array(count).keys()];
  let state = parseInt(jobId.replace(/-/g, '').slice(0, 8), 16) >>> 0 || 1;
  const next = (): number => {
    // xorshift32: cheap and reproducible for a million lines.
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  for (let i = count - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
