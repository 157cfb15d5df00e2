/**
 * Records of the other source formats, mapped to a chat record and then through the chat conversion, so every
 * output goes through the same normalisation (the "Other formats" of Mistral's conversion notes):
 * - ShareGPT `{conversations: [{from, value}], system?, tools?}`: `from` mapped as mistral-finetune's
 *   reformat_data_glaive.py does (human → user, gpt → assistant, function-call → tool_calls, function-response → tool),
 *   plus the LLaMA-Factory names (function_call, observation);
 * - Alpaca `{instruction, input, output, system?, history?}`: user = instruction + ("\n\n" + input when non-empty),
 *   assistant = output;
 * - pretrain `{text}` (or mistral-finetune's `{content}` alias).
 * Pure: no `vscode` import.
 */
import { convertChatRecord, isPreferenceRow, type Converted } from './chat';
import type { ReportBuilder } from './report';
import { isObject, type Json } from './tools';

export type RecordKind = 'chat' | 'sharegpt' | 'alpaca' | 'pretrain' | 'preference' | 'unknown';

const SHAREGPT_ROLES: Record<string, string> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  model: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
  system: 'system',
  function_call: 'assistant',
  'function-call': 'assistant',
  observation: 'tool',
  tool: 'tool',
  function_response: 'tool',
  'function-response': 'tool',
};

function isShareGptTurn(value: unknown): boolean {
  return isObject(value) && 'from' in value && 'value' in value;
}

/** What a JSON record looks like, from its keys. */
export function recordKind(record: Json): RecordKind {
  if (Array.isArray(record.conversations)) return 'sharegpt';
  if (Array.isArray(record.messages) && record.messages.length > 0 && isShareGptTurn(record.messages[0])) return 'sharegpt';
  if (isPreferenceRow(record)) return 'preference';
  if (Array.isArray(record.messages) || Array.isArray(record.interactions)) return 'chat';
  if (typeof record.instruction === 'string' && ('output' in record || 'response' in record)) return 'alpaca';
  if (typeof record.text === 'string' || (typeof record.content === 'string' && Object.keys(record).length === 1)) return 'pretrain';
  return 'unknown';
}

function removedKeys(record: Json, known: ReadonlySet<string>, line: number, report: ReportBuilder): void {
  for (const key of Object.keys(record)) if (!known.has(key)) report.change('key-removed', line, key);
}

const SHAREGPT_KEYS = new Set(['conversations', 'messages', 'system', 'tools', 'function_description']);

/**
 * glaive-function-calling-v2's `function_description`: JSON text of one function, or several run together
 * ("}{" or "} {"), which reformat_data_glaive.py repairs into a list; "{}" means no tools.
 */
function glaiveTools(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '{}') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return `[${trimmed.replace(/\}\s*\{/g, '},{')}]`;
  }
}

export function convertShareGpt(record: Json, line: number, report: ReportBuilder): Converted {
  const turns = (Array.isArray(record.conversations) ? record.conversations : record.messages) as unknown[];
  removedKeys(record, SHAREGPT_KEYS, line, report);
  report.change('sharegpt-mapped', line);
  const messages: Json[] = [];
  if (typeof record.system === 'string' && record.system.trim() !== '') messages.push({ role: 'system', content: record.system });
  for (const turn of turns) {
    if (!isObject(turn)) return { drop: 'message-invalid' };
    const from = typeof turn.from === 'string' ? turn.from : turn.role;
    const value = 'value' in turn ? turn.value : turn.content;
    const role = typeof from === 'string' ? SHAREGPT_ROLES[from.toLowerCase()] : undefined;
    if (role === undefined) return { drop: 'role-unknown', detail: String(from) };
    if (from === 'function_call' || from === 'function-call') {
      const calls = parseCalls(value);
      if (!calls) return { drop: 'message-invalid', detail: 'a function call that is not JSON {name, arguments}' };
      messages.push({ role: 'assistant', tool_calls: calls });
    } else {
      messages.push({ role, content: value });
    }
  }
  const chat: Json = { messages };
  if (record.tools !== undefined && record.tools !== null && record.tools !== '') chat.tools = record.tools;
  else if (typeof record.function_description === 'string') {
    const tools = glaiveTools(record.function_description);
    if (tools !== undefined) chat.tools = tools;
  }
  return convertChatRecord(chat, line, report);
}

/** A ShareGPT/glaive function call: JSON of {name, arguments} or a list of them. */
function parseCalls(value: unknown): Json[] | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || !list.every((call) => isObject(call) && typeof call.name === 'string')) return null;
  return list.map((call) => ({ type: 'function', function: { name: (call as Json).name, arguments: (call as Json).arguments } }));
}

const ALPACA_KEYS = new Set(['instruction', 'input', 'output', 'response', 'system', 'history']);

export function convertAlpaca(record: Json, line: number, report: ReportBuilder): Converted {
  removedKeys(record, ALPACA_KEYS, line, report);
  report.change('alpaca-mapped', line);
  const output = 'output' in record ? record.output : record.response;
  const messages: Json[] = [];
  if (typeof record.system === 'string' && record.system.trim() !== '') messages.push({ role: 'system', content: record.system });
  // LLaMA-Factory's Alpaca variant: earlier turns as [[prompt, answer], …].
  if (Array.isArray(record.history)) {
    for (const pair of record.history) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return { drop: 'message-invalid', detail: 'a history entry that is not [prompt, answer]' };
      messages.push({ role: 'user', content: pair[0] }, { role: 'assistant', content: pair[1] });
    }
  }
  return promptAndAnswer(messages, record.instruction, record.input, output, line, report);
}

/** Shared by Alpaca and CSV: a user turn from prompt (+ input) and the assistant's answer. */
export function promptAndAnswer(messages: Json[], prompt: unknown, input: unknown, answer: unknown, line: number, report: ReportBuilder): Converted {
  const promptText = typeof prompt === 'string' ? prompt : '';
  const inputText = typeof input === 'string' ? input : '';
  const user = promptText.trim() !== '' && inputText.trim() !== '' ? `${promptText}\n\n${inputText}` : promptText.trim() !== '' ? promptText : inputText;
  if (user.trim() === '' || typeof answer !== 'string' || answer.trim() === '') return { drop: 'output-empty' };
  messages.push({ role: 'user', content: user }, { role: 'assistant', content: answer });
  return convertChatRecord({ messages }, line, report);
}

export function convertPretrain(record: Json, line: number, report: ReportBuilder): Converted {
  if (typeof record.text === 'string') {
    removedKeys(record, new Set(['text']), line, report);
    return { record: { text: record.text } };
  }
  report.change('pretrain-content-renamed', line);
  return { record: { text: record.content } };
}

export type JsonSource = 'openai' | 'sharegpt' | 'alpaca' | 'auto';

const ACCEPTS: Record<JsonSource, ReadonlySet<RecordKind>> = {
  openai: new Set(['chat', 'pretrain', 'preference']),
  sharegpt: new Set(['sharegpt']),
  alpaca: new Set(['alpaca']),
  auto: new Set(['chat', 'sharegpt', 'alpaca', 'pretrain', 'preference']),
};

/** One parsed JSON line of a file whose source format is `from`. */
export function convertJsonRecord(value: unknown, from: JsonSource, line: number, report: ReportBuilder): Converted {
  if (!isObject(value)) return { drop: 'not-object' };
  const kind = recordKind(value);
  if (!ACCEPTS[from].has(kind)) return { drop: 'unrecognized-record', detail: kind === 'unknown' ? `keys ${Object.keys(value).slice(0, 5).join(', ') || 'none'}` : `looks like ${kind}` };
  switch (kind) {
    case 'sharegpt':
      return convertShareGpt(value, line, report);
    case 'alpaca':
      return convertAlpaca(value, line, report);
    case 'pretrain':
      return convertPretrain(value, line, report);
    case 'preference':
      return { drop: 'preference-row' };
    default:
      return convertChatRecord(value, line, report);
  }
}

