/**
 * Deterministic stand-ins for the text endpoints a batch can target: the same body always gets the same
 * answer, derived from the prompt, so tests can check results without hard-coding them.
 */
import type { ValidationIssue } from '../errors';
import {
  contentText, countTokens, firstTokens, hashHex, invalid, isObject, missing, optionalNonNegativeInt, refused,
  stringInputs, takeFloats, usage, type Body, type ModelContext, type Outcome,
} from './modelSupport';

const ROLES = ['system', 'user', 'assistant', 'tool'];
/** mistral-embed's dimension. */
export const EMBEDDING_DIMENSION = 1024;
export const MODERATION_CATEGORIES = [
  'sexual', 'hate_and_discrimination', 'violence_and_threats', 'dangerous_and_criminal_content', 'selfharm',
  'health', 'financial', 'law', 'pii',
] as const;
/** Words that make the emulated moderation flag a category, so tests can produce a positive. */
const FLAG_WORDS: Record<string, RegExp> = {
  violence_and_threats: /\b(kill|attack|threat)/i,
  selfharm: /\bhurt myself\b/i,
  pii: /\b\d{3}-\d{2}-\d{4}\b|@\w+\.\w+/,
  financial: /\b(invest|stock|crypto)/i,
};

/** The reply to a conversation: an echo of the last user turn, so a test can tell answers apart. */
export function replyTo(lastUser: string): string {
  const prompt = lastUser.trim().replace(/\s+/g, ' ');
  return prompt === '' ? 'Emulated reply: (no user message)' : `Emulated reply to: ${prompt}`;
}

function chatMessages(body: Body, field: string, issues: ValidationIssue[]): Body[] {
  const messages = body[field];
  if (messages === undefined) {
    issues.push(missing(field, body));
    return [];
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    issues.push({ type: 'too_short', loc: ['body', field], msg: 'List should have at least 1 item after validation, not 0', input: messages, ctx: { field_type: 'List', min_length: 1, actual_length: 0 } });
    return [];
  }
  messages.forEach((message, index) => {
    const role = isObject(message) ? message.role : undefined;
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      issues.push({
        type: 'union_tag_invalid', loc: ['body', field, index],
        msg: `Input tag '${String(role)}' found using 'role' does not match any of the expected tags: 'system', 'user', 'assistant', 'tool'`,
        input: message, ctx: { discriminator: "'role'", tag: String(role), expected_tags: "'system', 'user', 'assistant', 'tool'" },
      });
    }
  });
  return messages as Body[];
}

function completionChoice(text: string, maxTokens: number | undefined, jsonMode: boolean): { content: string; finish: string; tokens: number } {
  let content = text;
  let finish = 'stop';
  if (maxTokens !== undefined && countTokens(text) > maxTokens) {
    content = firstTokens(text, maxTokens);
    finish = 'length';
  }
  if (jsonMode) content = JSON.stringify({ answer: content });
  return { content, finish, tokens: countTokens(content) };
}

function rejectStreaming(body: Body): Outcome | undefined {
  return body.stream === true ? refused(400, 'Streaming is not supported for batch requests') : undefined;
}

export function chatCompletion(body: Body, ctx: ModelContext): Outcome {
  const issues: ValidationIssue[] = [];
  const messages = chatMessages(body, 'messages', issues);
  const maxTokens = optionalNonNegativeInt(body, 'max_tokens', issues);
  if (issues.length > 0) return invalid(issues);
  const streaming = rejectStreaming(body);
  if (streaming) return streaming;
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const format = isObject(body.response_format) ? body.response_format.type : undefined;
  const choice = completionChoice(replyTo(contentText(lastUser?.content)), maxTokens, format === 'json_object' || format === 'json_schema');
  const promptTokens = messages.reduce((sum, message) => sum + 4 + countTokens(contentText(message.content)), 0);
  return {
    ok: true,
    body: {
      id: hashHex('chat', ctx.seed).slice(0, 32),
      object: 'chat.completion',
      model: ctx.model,
      usage: usage(promptTokens, choice.tokens),
      created: ctx.created,
      choices: [{ index: 0, finish_reason: choice.finish, message: { role: 'assistant', content: choice.content, tool_calls: null } }],
    },
  };
}

export function fimCompletion(body: Body, ctx: ModelContext): Outcome {
  const issues: ValidationIssue[] = [];
  if (typeof body.prompt !== 'string') issues.push(body.prompt === undefined ? missing('prompt', body) : { type: 'string_type', loc: ['body', 'prompt'], msg: 'Input should be a valid string', input: body.prompt });
  if (body.suffix !== undefined && body.suffix !== null && typeof body.suffix !== 'string') {
    issues.push({ type: 'string_type', loc: ['body', 'suffix'], msg: 'Input should be a valid string', input: body.suffix });
  }
  const maxTokens = optionalNonNegativeInt(body, 'max_tokens', issues);
  if (issues.length > 0) return invalid(issues);
  const streaming = rejectStreaming(body);
  if (streaming) return streaming;
  const prompt = body.prompt as string;
  const suffix = typeof body.suffix === 'string' ? body.suffix : '';
  const tail = prompt.trimEnd().split('\n').pop() ?? '';
  const middle = `/* emulated fill between ${JSON.stringify(tail.slice(-24))} and ${JSON.stringify(suffix.trimStart().slice(0, 24))} */`;
  const choice = completionChoice(middle, maxTokens, false);
  return {
    ok: true,
    body: {
      id: hashHex('fim', ctx.seed).slice(0, 32),
      object: 'chat.completion',
      model: ctx.model,
      usage: usage(countTokens(prompt) + countTokens(suffix), choice.tokens),
      created: ctx.created,
      choices: [{ index: 0, finish_reason: choice.finish, message: { role: 'assistant', content: choice.content, tool_calls: null } }],
    },
  };
}

/** A unit vector from the text's hash: equal texts embed equally, different texts almost orthogonally. */
export function embedding(text: string, dimension: number): number[] {
  const raw = takeFloats(`embed:${text}`, dimension).map((value) => value * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  return raw.map((value) => Math.round((value / norm) * 1e6) / 1e6);
}

export function embeddings(body: Body, ctx: ModelContext): Outcome {
  const issues: ValidationIssue[] = [];
  const inputs = stringInputs(body, issues);
  const dimension = optionalNonNegativeInt(body, 'output_dimension', issues) ?? EMBEDDING_DIMENSION;
  if (issues.length > 0) return invalid(issues);
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  return {
    ok: true,
    body: {
      id: hashHex('embd', ctx.seed).slice(0, 32),
      object: 'list',
      data: inputs.map((text, index) => ({ object: 'embedding', embedding: embedding(text, dimension), index })),
      model: ctx.model,
      usage: { ...usage(promptTokens, 0), prompt_audio_seconds: null, prompt_token_details: null, request_count: null },
    },
  };
}

function moderationResult(text: string): { categories: Record<string, boolean>; category_scores: Record<string, number> } {
  const scores = takeFloats(`moderate:${text}`, MODERATION_CATEGORIES.length);
  const categories: Record<string, boolean> = {};
  const categoryScores: Record<string, number> = {};
  MODERATION_CATEGORIES.forEach((category, index) => {
    const score = FLAG_WORDS[category]?.test(text) ? 0.9 + scores[index] * 0.09 : scores[index] * 0.05;
    categoryScores[category] = Math.round(score * 1e6) / 1e6;
    categories[category] = score >= 0.5;
  });
  return { categories, category_scores: categoryScores };
}

function conversationTexts(body: Body, issues: ValidationIssue[], wrapped: boolean): string[] {
  const input = body.input;
  if (input === undefined) {
    issues.push(missing('input', body));
    return [];
  }
  // chat/moderations: messages[] or messages[][]; chat/classifications: {messages} or a list of them.
  const unwrap = (item: unknown): unknown => (wrapped && isObject(item) ? item.messages : item);
  const conversations = wrapped
    ? (Array.isArray(input) ? input.map(unwrap) : [unwrap(input)])
    : (Array.isArray(input) && input.every(Array.isArray) ? input : [input]);
  const texts: string[] = [];
  conversations.forEach((conversation, index) => {
    if (!Array.isArray(conversation) || conversation.length === 0 || !conversation.every(isObject)) {
      issues.push({ type: 'list_type', loc: ['body', 'input', index], msg: 'Input should be a valid list of messages', input: conversation });
      return;
    }
    texts.push(conversation.map((message) => contentText((message as Body).content)).join('\n'));
  });
  return texts;
}

export function moderations(body: Body, ctx: ModelContext, chat: boolean): Outcome {
  const issues: ValidationIssue[] = [];
  const texts = chat ? conversationTexts(body, issues, false) : stringInputs(body, issues);
  if (issues.length > 0) return invalid(issues);
  return { ok: true, body: { id: hashHex('mod', ctx.seed).slice(0, 32), model: ctx.model, results: texts.map(moderationResult) } };
}

export function classifications(body: Body, ctx: ModelContext, chat: boolean): Outcome {
  const issues: ValidationIssue[] = [];
  const texts = chat ? conversationTexts(body, issues, true) : stringInputs(body, issues);
  if (issues.length > 0) return invalid(issues);
  const results = texts.map((text) => {
    const [a, b, c] = takeFloats(`classify:${text}`, 3).map((value) => Math.exp(value * 3));
    const sum = a + b + c;
    const round = (value: number): number => Math.round((value / sum) * 1e6) / 1e6;
    return { sentiment: { scores: { positive: round(a), neutral: round(b), negative: round(c) } } };
  });
  return { ok: true, body: { id: hashHex('cls', ctx.seed).slice(0, 32), model: ctx.model, results } };
}

export function conversation(body: Body, ctx: ModelContext): Outcome {
  const inputs = body.inputs;
  if (typeof inputs !== 'string' && !(Array.isArray(inputs) && inputs.length > 0)) {
    return invalid([inputs === undefined ? missing('inputs', body) : { type: 'string_type', loc: ['body', 'inputs'], msg: 'Input should be a valid string or a list of entries', input: inputs }]);
  }
  if (body.stream === true) return refused(400, 'Streaming is not supported for batch requests');
  const lastUser = typeof inputs === 'string'
    ? inputs
    : contentText([...inputs].reverse().find((entry) => isObject(entry) && entry.role === 'user')?.content);
  const reply = replyTo(lastUser);
  const at = new Date(ctx.created * 1000).toISOString();
  const promptTokens = typeof inputs === 'string' ? countTokens(inputs) : inputs.reduce<number>((sum, entry) => sum + 4 + countTokens(contentText(isObject(entry) ? entry.content : '')), 0);
  return {
    ok: true,
    body: {
      object: 'conversation.response',
      conversation_id: `conv_${hashHex('conv', ctx.seed).slice(0, 26)}`,
      outputs: [{
        object: 'entry', type: 'message.output', created_at: at, completed_at: at, agent_id: ctx.agentId,
        model: ctx.model, id: `msg_${hashHex('entry', ctx.seed).slice(0, 26)}`, role: 'assistant', content: reply,
      }],
      usage: { ...usage(promptTokens, countTokens(reply)), connector_tokens: null, connectors: null },
    },
  };
}
