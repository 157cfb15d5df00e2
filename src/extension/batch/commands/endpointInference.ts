/**
 * Which batch endpoint a file's requests are written for, read from the shape of their `body`, and the models worth
 * suggesting per endpoint. Pure (no `vscode` import), so it is unit-tested directly.
 */
import type { BatchEndpoint } from '../../../api/batch/types';

export interface InputHead {
  /** The `body` objects of the first readable lines. */
  bodies: Record<string, unknown>[];
  /** The `model` every one of those bodies names, if they agree. */
  model: string | undefined;
}

const HEAD_LINES = 20;

/** Parses the first lines of a JSONL text (a head: the last line may be cut, and is then skipped). */
export function parseHead(text: string): InputHead {
  const bodies: Record<string, unknown>[] = [];
  for (const line of text.split(/\r?\n/).slice(0, HEAD_LINES)) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as { body?: unknown };
      if (record && typeof record.body === 'object' && record.body !== null && !Array.isArray(record.body)) {
        bodies.push(record.body as Record<string, unknown>);
      }
    } catch {
      // A cut last line or a broken one: validation reports it; the other lines still tell the shape.
    }
  }
  const models = new Set(bodies.map((body) => body.model).filter((model): model is string => typeof model === 'string' && model !== ''));
  return { bodies, model: models.size === 1 ? [...models][0] : undefined };
}

/** One body's endpoint; undefined when its shape fits several (an `input` is embeddings, moderations or classifications). */
function endpointOfBody(body: Record<string, unknown>, model: string): BatchEndpoint | undefined {
  const name = model.toLowerCase();
  if ('messages' in body) {
    if (name.includes('moderation')) return '/v1/chat/moderations';
    return '/v1/chat/completions';
  }
  if ('prompt' in body) return '/v1/fim/completions';
  if ('document' in body) return '/v1/ocr';
  if ('inputs' in body) return '/v1/conversations';
  if ('file_url' in body || 'file_id' in body || 'file' in body) return '/v1/audio/transcriptions';
  if ('input' in body) {
    if (name.includes('embed')) return '/v1/embeddings';
    if (name.includes('moderation')) return '/v1/moderations';
    return undefined;
  }
  return undefined;
}

/** The endpoint all the bodies agree on, using the model name to tell look-alike shapes apart; else undefined. */
export function inferEndpoint(head: InputHead, model?: string): BatchEndpoint | undefined {
  if (head.bodies.length === 0) return undefined;
  const hint = model ?? head.model ?? '';
  const endpoints = new Set(head.bodies.map((body) => endpointOfBody(body, typeof body.model === 'string' ? body.model : hint)));
  if (endpoints.size !== 1) return undefined;
  return [...endpoints][0];
}

/** Suggestions only: the picker also takes any model typed in (fine-tuned models have their own names). */
export const MODEL_SUGGESTIONS: Record<string, readonly string[]> = {
  '/v1/chat/completions': ['mistral-small-latest', 'mistral-medium-latest', 'mistral-large-latest', 'ministral-8b-latest', 'ministral-3b-latest', 'open-mistral-nemo'],
  '/v1/embeddings': ['mistral-embed', 'codestral-embed'],
  '/v1/fim/completions': ['codestral-latest'],
  '/v1/moderations': ['mistral-moderation-latest'],
  '/v1/chat/moderations': ['mistral-moderation-latest'],
  '/v1/ocr': ['mistral-ocr-latest'],
  '/v1/classifications': ['mistral-moderation-latest'],
  '/v1/chat/classifications': ['mistral-moderation-latest'],
  '/v1/conversations': ['mistral-medium-latest', 'mistral-small-latest'],
  '/v1/audio/transcriptions': ['voxtral-mini-latest'],
};

export function modelSuggestions(endpoint: BatchEndpoint | undefined): readonly string[] {
  return (endpoint && MODEL_SUGGESTIONS[endpoint]) || MODEL_SUGGESTIONS['/v1/chat/completions'];
}
