/**
 * One chat record (OpenAI's fine-tuning format, or Mistral's own) in Mistral's instruct format, with function calling
 * kept: the table "OpenAI chat fine-tuning format versus Mistral" of mistral-finetune's reformat_data.py and
 * mistral-common's converters, without reformat_data.py's bug that skips every function-calling sample.
 * Pure: no `vscode` import.
 */
import { ToolCallIds } from './ids';
import type { DropCode, ReportBuilder } from './report';
import { isObject, normalizeCall, normalizeTools, type Json, type PendingCall } from './tools';

export type Converted = { record: Json } | { drop: DropCode; detail?: string };

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOP_LEVEL_KEYS = new Set(['messages', 'interactions', 'tools', 'available_tools', 'functions', 'system_prompt']);
const MESSAGE_KEYS: Record<string, ReadonlySet<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'weight', 'prefix']),
  tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};
const CHUNK_KEYS: Record<string, ReadonlySet<string>> = {
  text: new Set(['type', 'text']),
  image_url: new Set(['type', 'image_url']),
};

class Drop extends Error {
  constructor(readonly code: DropCode, readonly detail?: string) {
    super(code);
  }
}

/** Converts `record` (which has `messages` or `interactions`); the report hears of every change. */
export function convertChatRecord(record: Json, line: number, report: ReportBuilder): Converted {
  try {
    return { record: convert(record, line, report) };
  } catch (err) {
    if (err instanceof Drop) return { drop: err.code, detail: err.detail };
    throw err;
  }
}

export function isPreferenceRow(record: Json): boolean {
  return 'preferred_output' in record || 'non_preferred_output' in record || ('chosen' in record && 'rejected' in record);
}

function convert(record: Json, line: number, report: ReportBuilder): Json {
  if (isPreferenceRow(record)) throw new Drop('preference-row');
  let rawMessages = record.messages;
  if (rawMessages === undefined && record.interactions !== undefined) {
    rawMessages = record.interactions;
    report.change('interactions-renamed', line);
  }
  if (!Array.isArray(rawMessages)) throw new Drop('unrecognized-record');
  for (const key of Object.keys(record)) if (!TOP_LEVEL_KEYS.has(key)) report.change('key-removed', line, key);

  let tools: Json[] = [];
  const toolSources: Array<[unknown, boolean]> = [];
  if (record.tools !== undefined && record.tools !== null) toolSources.push([record.tools, false]);
  else if (record.available_tools !== undefined && record.available_tools !== null) {
    toolSources.push([record.available_tools, false]);
    report.change('available-tools-renamed', line);
  }
  if (record.functions !== undefined && record.functions !== null) {
    toolSources.push([record.functions, true]);
    report.change('legacy-functions', line);
  }
  for (const [raw, legacy] of toolSources) {
    const normalized = normalizeTools(raw, legacy, line, report);
    if (normalized === null) throw new Drop('tool-definition-invalid');
    tools = tools.concat(normalized);
  }

  const ids = new ToolCallIds();
  let pending: PendingCall[] = [];
  const systems: string[] = [];
  let systemIndex = -1;
  const messages: Json[] = [];
  if (typeof record.system_prompt === 'string' && record.system_prompt !== '') {
    systems.push(record.system_prompt);
    systemIndex = 0;
    report.change('system-prompt-added', line);
  }

  for (const raw of rawMessages) {
    if (!isObject(raw)) throw new Drop('message-invalid');
    let role = raw.role;
    if (role === 'developer') {
      role = 'system';
      report.change('developer-role', line);
    } else if (role === 'function') {
      role = 'tool';
      report.change('legacy-function-role', line);
    }
    if (typeof role !== 'string' || !(role in MESSAGE_KEYS)) throw new Drop('role-unknown', typeof role === 'string' ? role : String(role));
    removeUnknownKeys(raw, role, line, report);
    if (role === 'system') {
      if (systemIndex < 0) systemIndex = messages.length;
      systems.push(textContent(raw.content, line, report));
    } else if (role === 'user') {
      if (typeof raw.name === 'string') report.change('name-removed', line);
      messages.push({ role, content: userContent(raw.content, line, report) });
      pending = [];
    } else if (role === 'assistant') {
      const converted = assistant(raw, ids, line, report);
      messages.push(...converted.messages);
      pending = converted.calls;
    } else {
      messages.push(toolResult(raw, ids, pending, line, report));
    }
  }

  if (systems.length > 1) report.change('system-merged', line);
  if (systemIndex >= 0) messages.splice(systemIndex, 0, { role: 'system', content: systems.join('\n\n') });

  let end = messages.length;
  while (end > 0 && messages[end - 1].role !== 'assistant') end--;
  if (end < messages.length) {
    report.change('trailing-turns-removed', line);
    messages.length = end;
  }
  const conversation = messages.filter((m) => m.role !== 'system');
  if (conversation.length === 0) throw new Drop('no-assistant-turn');
  if (conversation.length === 1) throw new Drop('no-user-turn');
  const out: Json = { messages };
  if (tools.length > 0) out.tools = tools;
  return out;
}

function removeUnknownKeys(message: Json, role: string, line: number, report: ReportBuilder): void {
  const allowed = MESSAGE_KEYS[role];
  for (const key of Object.keys(message)) {
    if (allowed.has(key)) continue;
    if (key === 'name' || key === 'function_call' || key === 'reasoning_content' || key === 'reasoning') continue; // handled by the role
    if (key === 'weight' && message.weight === null) continue;
    if (key === 'tool_calls' && (message.tool_calls === null || (Array.isArray(message.tool_calls) && message.tool_calls.length === 0))) continue;
    report.change('key-removed', line, `messages[].${key}`);
  }
}

/** System, assistant and tool content is a string for Mistral: text chunks are joined, JSON values serialised. */
function textContent(content: unknown, line: number, report: ReportBuilder): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const chunk of content) {
      if (typeof chunk === 'string') texts.push(chunk);
      else if (isObject(chunk) && chunk.type === 'text' && typeof chunk.text === 'string') texts.push(chunk.text);
      else throw new Drop('message-invalid', 'a non-text chunk where Mistral wants a string');
    }
    report.change('content-chunks-joined', line);
    return texts.join('');
  }
  throw new Drop('message-invalid', content === null || content === undefined ? 'no content' : `content of type ${typeof content}`);
}

/** User content may stay a list of chunks; extra keys in a chunk are removed (Mistral rejects them). */
function userContent(content: unknown, line: number, report: ReportBuilder): unknown {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length === 0) throw new Drop('message-invalid', 'no user content');
  return content.map((chunk) => {
    if (typeof chunk === 'string') return { type: 'text', text: chunk };
    if (!isObject(chunk) || typeof chunk.type !== 'string') throw new Drop('message-invalid', 'a content chunk without a type');
    const allowed = CHUNK_KEYS[chunk.type];
    if (!allowed) return chunk;
    const clean: Json = {};
    for (const [key, value] of Object.entries(chunk)) {
      if (allowed.has(key)) clean[key] = value;
      else report.change('key-removed', line, `content[].${key}`);
    }
    if (isObject(clean.image_url)) {
      const { url, detail, ...rest } = clean.image_url;
      for (const key of Object.keys(rest)) report.change('key-removed', line, `content[].image_url.${key}`);
      clean.image_url = detail === undefined ? { url } : { url, detail };
    }
    return clean;
  });
}

function assistant(raw: Json, ids: ToolCallIds, line: number, report: ReportBuilder): { messages: Json[]; calls: PendingCall[] } {
  if (raw.reasoning_content !== undefined || raw.reasoning !== undefined) report.change('reasoning-removed', line);
  if (typeof raw.name === 'string') report.change('name-removed', line);
  const rawCalls: unknown[] = [];
  if (Array.isArray(raw.tool_calls)) rawCalls.push(...(raw.tool_calls as unknown[]));
  else if (raw.tool_calls !== undefined && raw.tool_calls !== null) throw new Drop('message-invalid', '"tool_calls" is not a list');
  if (isObject(raw.function_call)) {
    rawCalls.push(raw.function_call);
    report.change('legacy-function-call', line);
  }
  const calls: Json[] = [];
  for (const rawCall of rawCalls) {
    const call = normalizeCall(rawCall, ids, line, report);
    if (!call) throw new Drop('message-invalid', 'a tool call without a function name');
    calls.push(call);
  }
  const hasText = raw.content !== undefined && raw.content !== null && raw.content !== '' && !(Array.isArray(raw.content) && raw.content.length === 0);
  const text = hasText ? textContent(raw.content, line, report) : '';
  const extras: Json = {};
  if (raw.weight === null) report.change('weight-null-removed', line);
  else if (raw.weight !== undefined) extras.weight = raw.weight;
  if (raw.prefix !== undefined) extras.prefix = raw.prefix;
  const pending = calls.map((call) => ({ id: call.id as string, name: (call.function as Json).name as string }));
  if (calls.length === 0) {
    if (text.trim() === '') throw new Drop('assistant-empty');
    return { messages: [{ role: 'assistant', content: text, ...extras }], calls: [] };
  }
  if (text === '') {
    if ('content' in raw) report.change('content-null-removed', line);
    return { messages: [{ role: 'assistant', tool_calls: calls, ...extras }], calls: pending };
  }
  // V3 tokenizers allow text or calls, not both (the table in jsonl-formats): the text first keeps the order it was said in.
  report.change('content-and-tool-calls-split', line);
  return { messages: [{ role: 'assistant', content: text, ...extras }, { role: 'assistant', tool_calls: calls, ...extras }], calls: pending };
}

function toolResult(raw: Json, ids: ToolCallIds, pending: PendingCall[], line: number, report: ReportBuilder): Json {
  let id = ids.lookup(raw.tool_call_id);
  let index = id === undefined ? -1 : pending.findIndex((call) => call.id === id);
  if (id === undefined) {
    index = typeof raw.name === 'string' ? pending.findIndex((call) => call.name === raw.name) : -1;
    if (index < 0 && pending.length > 0) index = 0;
    if (index < 0) throw new Drop('tool-result-without-call');
    id = pending[index].id;
    if (raw.role !== 'function') report.change('tool-result-linked', line);
  }
  if (index >= 0) pending.splice(index, 1);
  if (raw.tool_call_id !== undefined && raw.tool_call_id !== id) report.change('tool-call-id-remapped', line);
  let content: string;
  if (typeof raw.content === 'string' || Array.isArray(raw.content)) content = textContent(raw.content, line, report);
  else if (raw.content === undefined || raw.content === null) content = '';
  else {
    content = JSON.stringify(raw.content);
    report.change('content-serialized', line);
  }
  const out: Json = { role: 'tool', content, tool_call_id: id };
  // A name is kept only where the source had one: a record already in Mistral's format comes out unchanged.
  if (typeof raw.name === 'string' && FUNCTION_NAME.test(raw.name)) out.name = raw.name;
  else if (raw.name !== undefined) report.change('name-removed', line);
  return out;
}
