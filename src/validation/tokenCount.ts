/**
 * What a record costs in tokens, laid out as mistral-common's v3 instruct tokenizer encodes it
 * (InstructTokenizerV3 in github.com/mistralai/mistral-common, the one validate_data.py counts with):
 *
 *   <s> [AVAILABLE_TOOLS] tools-json [/AVAILABLE_TOOLS]   (once, before the last user message)
 *   [INST] user text [/INST]                             (the system prompt joins the last user message)
 *   assistant text </s>
 *   [TOOL_CALLS] [{"name", "arguments", "id"}]-json </s>
 *   [TOOL_RESULTS] {"content", "call_id"}-json [/TOOL_RESULTS]
 *
 * Each control token is one token. Pretrain text is <s> text </s>. Images and audio are not counted
 * (the v3 tokenizer cannot encode them). Best effort on invalid records: what can be read is counted.
 */
import type { RecordKind } from './recordRules';
import { isPlainObject } from './report';
import type { TextCounter } from './tokenizer';

type Json = Record<string, unknown>;

/** Python's json.dumps layout (", " and ": " separators), which the v3 tokenizer encodes. */
export function pythonJson(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? 'null';
  } catch {
    // Deeper than V8's JSON.stringify goes: nothing a model is trained on.
    return '';
  }
  let out = '';
  let inString = false;
  let from = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 44 || c === 58) {
      out += json.slice(from, i + 1) + ' ';
      from = i + 1;
    }
  }
  return out + json.slice(from);
}

function contentText(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const texts: string[] = [];
  for (const chunk of content) {
    if (!isPlainObject(chunk)) continue;
    if (typeof chunk.text === 'string') texts.push(chunk.text);
    else if (typeof chunk.thinking === 'string') texts.push(chunk.thinking);
  }
  return texts;
}

function messageText(message: Json): string[] {
  return contentText(message.content ?? message.text);
}

function parsedArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Tokens of a conversation, with the tools it may call. */
export function conversationTokens(messages: unknown[], tools: unknown, systemPrompt: unknown, counter: TextCounter): number {
  let tokens = 1; // <s>
  const systems: string[] = typeof systemPrompt === 'string' ? [systemPrompt] : [];
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (isPlainObject(m) && m.role === 'user') lastUser = i;
    if (isPlainObject(m) && m.role === 'system') systems.push(...messageText(m));
  });
  const toolList = Array.isArray(tools) && tools.length > 0 ? tools : null;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!isPlainObject(m)) continue;
    if (m.role === 'user') {
      if (i === lastUser && toolList) tokens += 2 + counter.count(pythonJson(toolList));
      const texts = messageText(m);
      if (i === lastUser && systems.length > 0) texts[0] = `${systems.join('\n\n')}\n\n${texts[0] ?? ''}`;
      tokens += 2 + texts.reduce((sum, t) => sum + counter.count(t), 0);
    } else if (m.role === 'assistant') {
      const calls = Array.isArray(m.tool_calls) && m.tool_calls.length > 0 ? m.tool_calls : null;
      if (calls) {
        const prepared = calls.map((call) => {
          const fn = isPlainObject(call) && isPlainObject(call.function) ? call.function : {};
          return { name: fn.name, arguments: parsedArguments(fn.arguments), id: isPlainObject(call) ? call.id : undefined };
        });
        tokens += 2 + counter.count(pythonJson(prepared));
      } else {
        tokens += 1 + messageText(m).reduce((sum, t) => sum + counter.count(t), 0);
      }
    } else if (m.role === 'tool') {
      tokens += 2 + counter.count(pythonJson({ content: messageText(m).join(''), call_id: m.tool_call_id }));
    }
  }
  return tokens;
}

/** Tokens of one record of the given kind (0 when nothing in it can be counted). */
export function recordTokens(record: Json, kind: RecordKind | null, counter: TextCounter): number {
  if (kind === 'pretrain' || (kind === 'classifier' && typeof record.text === 'string')) {
    const text = typeof record.text === 'string' ? record.text : record.content;
    return typeof text === 'string' ? 2 + counter.count(text) : 0;
  }
  if (kind === 'instruct' || kind === 'classifier') {
    const messages = Array.isArray(record.messages) ? record.messages : record.interactions;
    return Array.isArray(messages) ? conversationTokens(messages, record.tools ?? record.available_tools, record.system_prompt, counter) : 0;
  }
  if (kind === 'batch' && isPlainObject(record.body) && Array.isArray(record.body.messages)) {
    return conversationTokens(record.body.messages, record.body.tools, undefined, counter);
  }
  return 0;
}
