/**
 * One-line summaries of a batch request and its response, for a table row: what was asked (the last user message, the
 * input of an embedding or classification, the document of an OCR request) and what came back (the assistant text,
 * tool calls, vector sizes, OCR page counts). Body shapes per endpoint are those of Mistral's Batch API reference
 * (https://docs.mistral.ai/capabilities/batch/ and the endpoints' OpenAPI schemas); an unknown shape falls back to
 * its JSON, so nothing shows blank.
 */
import { isRecord } from './join';

/** Long enough for a wide column, short enough that 100,000 rows stay a few dozen MB. */
export const SUMMARY_CHARS = 160;

export function shorten(text: string, max = SUMMARY_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Text of a message `content`: a string, or chunks (text, image_url, document_url, …) of which the text is kept. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === null || content === undefined ? '' : JSON.stringify(content);
  return content
    .map((chunk) => {
      if (typeof chunk === 'string') return chunk;
      if (!isRecord(chunk)) return '';
      if (typeof chunk.text === 'string') return chunk.text;
      if (chunk.type === 'image_url' || chunk.image_url !== undefined) return '[image]';
      if (chunk.type === 'document_url' || chunk.document_url !== undefined) return '[document]';
      if (chunk.type === 'input_audio' || chunk.input_audio !== undefined) return '[audio]';
      return typeof chunk.type === 'string' ? `[${chunk.type}]` : '';
    })
    .filter((text) => text !== '')
    .join(' ');
}

function lastMessage(messages: unknown[], role?: string): Record<string, unknown> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (isRecord(message) && (role === undefined || message.role === role)) return message;
  }
  return undefined;
}

function inputText(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (Array.isArray(input)) {
    if (input.length === 0) return '';
    const first = input[0];
    // Chat moderation/classification: a list of messages (or lists of them).
    if (isRecord(first) && 'role' in first) return contentText(lastMessage(input, 'user')?.content ?? lastMessage(input)?.content);
    const text = typeof first === 'string' ? first : JSON.stringify(first);
    return input.length > 1 ? `${text} (+${input.length - 1})` : text;
  }
  if (isRecord(input) && Array.isArray(input.messages)) return inputText(input.messages);
  return undefined;
}

function documentText(document: unknown): string | undefined {
  if (!isRecord(document)) return undefined;
  for (const key of ['document_url', 'image_url', 'file_id']) {
    const value = document[key];
    if (typeof value === 'string') return value.startsWith('data:') ? `${value.slice(0, value.indexOf(',') + 1)}…` : value;
    if (isRecord(value) && typeof value.url === 'string') return value.url;
  }
  return undefined;
}

/** What the request asks, in one line. */
export function requestSummary(body: unknown): string {
  if (body === null || body === undefined) return '';
  if (!isRecord(body)) return shorten(JSON.stringify(body));
  let text: string | undefined;
  if (Array.isArray(body.messages)) text = contentText((lastMessage(body.messages, 'user') ?? lastMessage(body.messages))?.content);
  else if (body.input !== undefined) text = inputText(body.input);
  else if (body.inputs !== undefined) text = inputText(body.inputs);
  else if (body.document !== undefined) text = documentText(body.document);
  else if (typeof body.prompt === 'string') text = body.prompt;
  else if (typeof body.file_url === 'string') text = body.file_url;
  else if (typeof body.file_id === 'string') text = body.file_id;
  return shorten(text ?? JSON.stringify(body));
}

function toolCallsText(calls: unknown): string | undefined {
  if (!Array.isArray(calls) || calls.length === 0) return undefined;
  return calls
    .map((call) => {
      const fn = isRecord(call) && isRecord(call.function) ? call.function : undefined;
      const args = fn ? (typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments)) : '';
      return `${typeof fn?.name === 'string' ? fn.name : 'tool'}(${args})`;
    })
    .join(', ');
}

/** What came back, in one line. */
export function responseSummary(body: unknown): string {
  if (body === null || body === undefined) return '';
  if (!isRecord(body)) return shorten(JSON.stringify(body));
  let text: string | undefined;
  if (Array.isArray(body.choices)) {
    const choice = body.choices[0];
    const message = isRecord(choice) && isRecord(choice.message) ? choice.message : undefined;
    const calls = toolCallsText(message?.tool_calls);
    const content = message ? contentText(message.content) : isRecord(choice) && typeof choice.text === 'string' ? choice.text : '';
    text = calls ? `${content ? `${content} ` : ''}→ ${calls}` : content;
  } else if (Array.isArray(body.data) && body.data.some((item) => isRecord(item) && Array.isArray(item.embedding))) {
    const lengths = body.data.map((item) => (isRecord(item) && Array.isArray(item.embedding) ? item.embedding.length : 0));
    text = lengths.length === 1 ? `vector[${lengths[0]}]` : `${lengths.length} × vector[${lengths[0]}]`;
  } else if (Array.isArray(body.pages)) {
    const first = body.pages[0];
    const markdown = isRecord(first) && typeof first.markdown === 'string' ? ` · ${first.markdown}` : '';
    text = `${body.pages.length} page${body.pages.length === 1 ? '' : 's'}${markdown}`;
  } else if (typeof body.text === 'string') text = body.text;
  else if (Array.isArray(body.outputs)) {
    const last = lastMessage(body.outputs);
    text = last ? contentText(last.content) : '';
  } else if (Array.isArray(body.results)) text = `${body.results.length} result${body.results.length === 1 ? '' : 's'}: ${JSON.stringify(body.results[0] ?? null)}`;
  else if (typeof body.message === 'string') text = body.message;
  return shorten(text ?? JSON.stringify(body));
}

/** Total tokens of a response, when its body says (`usage.total_tokens`). */
export function responseTokens(body: unknown): number | null {
  if (!isRecord(body) || !isRecord(body.usage)) return null;
  const total = body.usage.total_tokens;
  return typeof total === 'number' && Number.isFinite(total) ? total : null;
}
