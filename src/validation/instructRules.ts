/** Fine-tuning instruct records: messages, roles, function calling, vision chunks. */
import type { PathSegment } from './jsonScan';
import { countRole, describeValue, hasKey, isPlainObject, type RecordReporter, type RecordTallies } from './report';
import { FUNCTION_NAME_PATTERN, TOOL_CALL_ID_PATTERN } from './rules';

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

/** Which role may follow which; from mistral-common's message-order check. */
const ALLOWED_NEXT: Record<string, ReadonlySet<string>> = {
  system: new Set(['user', 'assistant', 'system']),
  user: new Set(['assistant', 'user', 'system']),
  assistant: new Set(['assistant', 'user', 'tool']),
  tool: new Set(['assistant', 'tool', 'user']),
};

interface PendingCalls {
  index: number;
  calls: number;
  answered: number;
}

/** Present and not null: Mistral's schemas treat an explicit null like an absent optional field. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function checkInstruct(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies): void {
  const key = hasKey(record, 'messages') || !hasKey(record, 'interactions') ? 'messages' : 'interactions';
  const messages = record[key];
  if (messages === undefined) {
    r.report('messages-missing', [], 'value', 'The record has no "messages" list', 'An instruct record looks like {"messages": [{"role": "user", "content": "…"}, {"role": "assistant", "content": "…"}]}');
    return;
  }
  if (!Array.isArray(messages)) {
    r.report('messages-not-array', [key], 'value', `"${key}" must be a list of messages, not ${describeValue(messages)}`);
    return;
  }
  const definedTools = checkTools(record, r, tallies);
  const calledIds = new Set<string>();
  let pending: PendingCalls | null = null;
  let previousRole: string | null = null;
  let systemMessages = 0;
  let conversationMessages = 0;
  let lastConversation: { index: number; role: string } | null = null;

  const closePending = (): void => {
    if (pending && pending.answered !== pending.calls) {
      const calls = pending.calls;
      r.report(
        'tool-messages-count',
        [key, pending.index, 'tool_calls'],
        'key',
        `The assistant makes ${calls} tool call${calls === 1 ? '' : 's'} but ${pending.answered} tool message${pending.answered === 1 ? '' : 's'} follow${pending.answered === 1 ? 's' : ''}`,
        'Follow the assistant message with exactly one tool message per call, each with the call\'s id as "tool_call_id"',
      );
    }
    pending = null;
  };

  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    const at: PathSegment[] = [key, i];
    if (!isPlainObject(message)) {
      r.report('message-not-object', at, 'value', `Each message must be an object with "role" and "content", not ${describeValue(message)}`);
      previousRole = null;
      // Its role is unknown, so whether the conversation ends with the assistant is too.
      lastConversation = null;
      conversationMessages++;
      continue;
    }
    const role = message.role;
    if (!isSet(role)) {
      r.report('role-missing', at, 'value', 'The message has no "role"', 'Add "role": "user", "assistant", "system" or "tool"');
      previousRole = null;
      lastConversation = null;
      conversationMessages++;
      continue;
    }
    if (typeof role !== 'string' || !ROLES.has(role)) {
      lastConversation = null;
      r.report('role-invalid', [...at, 'role'], 'value', `${describeValue(role)} is not a role: use "system", "user", "assistant" or "tool"`);
      conversationMessages++;
      if (typeof role === 'string') countRole(tallies, role);
      previousRole = null;
      continue;
    }
    countRole(tallies, role);
    if (role !== 'tool') closePending();
    if (previousRole !== null && !ALLOWED_NEXT[previousRole].has(role) && !(role === 'system' && previousRole === 'system')) {
      r.report('role-order', [...at, 'role'], 'value', `A ${role} message cannot follow a ${previousRole} message`, orderHint(role));
    }
    previousRole = role;
    if (role === 'system') {
      systemMessages++;
      if (systemMessages > 1) r.report('system-multiple', [...at, 'role'], 'value', 'Only one system message is allowed per conversation', 'Merge the system prompts into one message');
      checkStringContent(message, at, role, r, tallies);
      continue;
    }
    conversationMessages++;
    lastConversation = { index: i, role };
    if (role === 'user') checkUserContent(message, at, r, tallies);
    else if (role === 'assistant') pending = checkAssistant(message, at, i, r, tallies, calledIds, definedTools);
    else checkToolMessage(message, at, r, tallies, calledIds, pending);
  }
  closePending();

  if (conversationMessages === 0) {
    r.report('messages-empty', [key], 'value', 'The conversation has no messages besides the system prompt', 'Add at least a user message and the assistant\'s reply');
  } else if (lastConversation && lastConversation.role !== 'assistant') {
    r.report(
      'last-message-not-assistant',
      [key, lastConversation.index],
      'value',
      `The last message is from the ${lastConversation.role}; a training example must end with the assistant`,
      lastConversation.role === 'user' ? "Add the assistant's reply or drop the trailing user turn" : "Add the assistant's answer after the tool results",
    );
  }
}

function orderHint(role: string): string | undefined {
  if (role === 'tool') return 'A tool message must answer an assistant message that has "tool_calls"';
  if (role === 'system') return 'Put the system message at the start of the conversation';
  return undefined;
}

function checkStringContent(message: Record<string, unknown>, at: PathSegment[], role: string, r: RecordReporter, tallies: RecordTallies): void {
  const content = message.content;
  if (!isSet(content)) {
    r.report('content-missing', at, 'value', `The ${role} message has no "content"`);
  } else if (typeof content !== 'string') {
    r.report('content-type', [...at, 'content'], 'value', `The ${role} message's "content" must be a string, not ${describeValue(content)}`);
  } else {
    tallies.textChars += content.length;
  }
}

function checkUserContent(message: Record<string, unknown>, at: PathSegment[], r: RecordReporter, tallies: RecordTallies): void {
  const content = message.content;
  if (!Array.isArray(content)) {
    checkStringContent(message, at, 'user', r, tallies);
    return;
  }
  if (content.length === 0) {
    r.report('content-chunk-invalid', [...at, 'content'], 'value', 'The list of content chunks is empty', 'Give the text as a string or at least one {"type": "text", "text": "…"} chunk');
    return;
  }
  for (let c = 0; c < content.length; c++) {
    const chunk: unknown = content[c];
    const chunkAt = [...at, 'content', c];
    if (!isPlainObject(chunk)) {
      r.report('content-chunk-invalid', chunkAt, 'value', `A content chunk must be an object, not ${describeValue(chunk)}`);
      continue;
    }
    if (chunk.type === 'text') {
      if (typeof chunk.text === 'string') tallies.textChars += chunk.text.length;
      else r.report('content-chunk-invalid', hasKey(chunk, 'text') ? [...chunkAt, 'text'] : chunkAt, 'value', 'A text chunk needs "text" as a string');
    } else if (chunk.type === 'image_url') {
      const image = chunk.image_url;
      const valid = typeof image === 'string' || (isPlainObject(image) && typeof image.url === 'string');
      if (!valid) {
        r.report('content-chunk-invalid', hasKey(chunk, 'image_url') ? [...chunkAt, 'image_url'] : chunkAt, 'value', 'An image_url chunk needs "image_url" as a URL string or {"url": "…"}', 'Use an https URL or a data:image/…;base64 URL');
      }
    } else {
      r.report(
        'content-chunk-invalid',
        hasKey(chunk, 'type') ? [...chunkAt, 'type'] : chunkAt,
        'value',
        hasKey(chunk, 'type') ? `Unknown chunk type ${describeValue(chunk.type)}: use "text" or "image_url"` : 'The content chunk has no "type" ("text" or "image_url")',
      );
    }
  }
}

function checkAssistant(
  message: Record<string, unknown>,
  at: PathSegment[],
  index: number,
  r: RecordReporter,
  tallies: RecordTallies,
  calledIds: Set<string>,
  definedTools: Set<string> | null,
): PendingCalls | null {
  const content = message.content;
  const toolCalls = message.tool_calls;
  // An empty list is how many exporters write "no tool calls".
  const hasCalls = isSet(toolCalls) && !(Array.isArray(toolCalls) && toolCalls.length === 0);
  if (hasKey(message, 'weight') && message.weight !== 0 && message.weight !== 1) {
    r.report('weight-invalid', [...at, 'weight'], 'value', `"weight" must be 0 or 1, not ${describeValue(message.weight)}`, 'Use 0 to exclude this reply from training, 1 (the default) to include it');
  }
  if (isSet(content) && hasCalls) {
    r.report('assistant-content-and-tool-calls', [...at, 'tool_calls'], 'key', 'An assistant message has either "content" or "tool_calls", not both', 'Split it into a message with the tool calls and, after the tool results, one with the text');
  } else if (!isSet(content) && !hasCalls) {
    r.report('assistant-missing-content', at, 'value', 'The assistant message has neither "content" nor "tool_calls"');
  }
  if (isSet(content)) {
    if (typeof content === 'string') tallies.textChars += content.length;
    else r.report('content-type', [...at, 'content'], 'value', `The assistant message's "content" must be a string, not ${describeValue(content)}`);
  }
  if (!hasCalls) return null;
  if (!Array.isArray(toolCalls)) {
    r.report('tool-calls-not-array', [...at, 'tool_calls'], 'value', `"tool_calls" must be a list, not ${describeValue(toolCalls)}`);
    return null;
  }
  for (let c = 0; c < toolCalls.length; c++) {
    checkToolCall(toolCalls[c], [...at, 'tool_calls', c], r, tallies, calledIds, definedTools);
  }
  return { index, calls: toolCalls.length, answered: 0 };
}

function checkToolCall(call: unknown, at: PathSegment[], r: RecordReporter, tallies: RecordTallies, calledIds: Set<string>, definedTools: Set<string> | null): void {
  if (!isPlainObject(call)) {
    r.report('tool-call-invalid', at, 'value', `A tool call must be an object {"id", "type": "function", "function": {"name", "arguments"}}, not ${describeValue(call)}`);
    return;
  }
  const id = call.id;
  if (typeof id === 'string' && TOOL_CALL_ID_PATTERN.test(id)) calledIds.add(id);
  else if (!hasKey(call, 'id')) r.report('tool-call-id-invalid', at, 'value', 'The tool call has no "id"', 'Give each call a 9-character alphanumeric id, e.g. "D681PevKs"');
  else r.report('tool-call-id-invalid', [...at, 'id'], 'value', `Tool call id ${describeValue(id)} must be exactly 9 letters or digits`, 'e.g. "D681PevKs"');
  if (hasKey(call, 'type') && call.type !== 'function') {
    r.report('tool-call-invalid', [...at, 'type'], 'value', `Tool call "type" must be "function", not ${describeValue(call.type)}`);
  }
  const fn = call.function;
  if (!isPlainObject(fn)) {
    r.report('tool-call-invalid', hasKey(call, 'function') ? [...at, 'function'] : at, 'value', 'The tool call needs "function": {"name": "…", "arguments": "…"}');
    return;
  }
  const name = fn.name;
  if (typeof name !== 'string' || !FUNCTION_NAME_PATTERN.test(name)) {
    r.report('tool-call-name-invalid', hasKey(fn, 'name') ? [...at, 'function', 'name'] : [...at, 'function'], 'value', `Function name ${hasKey(fn, 'name') ? describeValue(name) : '(missing)'} must be 1-64 letters, digits, _ or -`);
  } else if (definedTools === null) {
    r.report('tool-undefined', [...at, 'function', 'name'], 'value', `The record calls "${name}" but has no "tools" list`, 'Add a "tools" list that defines every function the assistant calls');
  } else if (!definedTools.has(name)) {
    r.report('tool-undefined', [...at, 'function', 'name'], 'value', `"${name}" is not defined in the record's "tools"`);
  }
  const args = fn.arguments;
  if (typeof args === 'string') {
    tallies.textChars += args.length;
    try {
      JSON.parse(args);
    } catch {
      r.report('tool-call-arguments-invalid-json', [...at, 'function', 'arguments'], 'value', '"arguments" is not valid JSON', 'It must be the JSON encoding of the arguments object, e.g. "{\\"city\\": \\"Paris\\"}"');
    }
  } else if (!hasKey(fn, 'arguments')) {
    r.report('tool-call-invalid', [...at, 'function'], 'value', 'The function call has no "arguments"', 'Use "arguments": "{}" for a call without arguments');
  } else {
    r.report('tool-call-arguments-not-string', [...at, 'function', 'arguments'], 'value', `"arguments" must be a JSON-encoded string, not ${describeValue(args)}`, 'Encode it: json.dumps(arguments) in Python, JSON.stringify(arguments) in JavaScript');
  }
}

function checkToolMessage(message: Record<string, unknown>, at: PathSegment[], r: RecordReporter, tallies: RecordTallies, calledIds: Set<string>, pending: PendingCalls | null): void {
  checkStringContent(message, at, 'tool', r, tallies);
  if (pending) pending.answered++;
  const id = message.tool_call_id;
  if (!hasKey(message, 'tool_call_id') || id === null) {
    r.report('tool-message-call-id-invalid', at, 'value', 'The tool message has no "tool_call_id"', 'Set it to the id of the tool call this message answers');
  } else if (typeof id !== 'string' || !TOOL_CALL_ID_PATTERN.test(id)) {
    r.report('tool-message-call-id-invalid', [...at, 'tool_call_id'], 'value', `"tool_call_id" ${describeValue(id)} must be exactly 9 letters or digits`);
  } else if (!calledIds.has(id)) {
    r.report('tool-message-call-id-unknown', [...at, 'tool_call_id'], 'value', `No earlier tool call has the id "${id}"`, 'A tool message answers a call made by an earlier assistant message');
  }
}

/** Checks the "tools" list; returns the defined function names, or null when the record has no list. */
function checkTools(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies): Set<string> | null {
  const tools = record.tools;
  if (!isSet(tools)) return null;
  if (!Array.isArray(tools)) {
    r.report('tools-not-array', ['tools'], 'value', `"tools" must be a list, not ${describeValue(tools)}`);
    return new Set();
  }
  if (tools.length > 0) tallies.recordsWithTools++;
  const names = new Set<string>();
  for (let t = 0; t < tools.length; t++) {
    const tool: unknown = tools[t];
    const at: PathSegment[] = ['tools', t];
    if (!isPlainObject(tool)) {
      r.report('tool-definition-invalid', at, 'value', `A tool must be {"type": "function", "function": {…}}, not ${describeValue(tool)}`);
      continue;
    }
    if (hasKey(tool, 'type') && tool.type !== 'function') {
      r.report('tool-definition-invalid', [...at, 'type'], 'value', `Tool "type" must be "function", not ${describeValue(tool.type)}`);
    }
    const fn = tool.function;
    if (!isPlainObject(fn)) {
      r.report('tool-definition-invalid', hasKey(tool, 'function') ? [...at, 'function'] : at, 'value', 'The tool needs "function": {"name", "description", "parameters"}');
      continue;
    }
    if (typeof fn.name === 'string' && FUNCTION_NAME_PATTERN.test(fn.name)) names.add(fn.name);
    else r.report('tool-definition-invalid', hasKey(fn, 'name') ? [...at, 'function', 'name'] : [...at, 'function'], 'value', `Tool name ${hasKey(fn, 'name') ? describeValue(fn.name) : '(missing)'} must be 1-64 letters, digits, _ or -`);
    if (hasKey(fn, 'description') && typeof fn.description !== 'string') {
      r.report('tool-definition-invalid', [...at, 'function', 'description'], 'value', `"description" must be a string, not ${describeValue(fn.description)}`);
    }
    if (!isPlainObject(fn.parameters)) {
      r.report(
        'tool-definition-invalid',
        hasKey(fn, 'parameters') ? [...at, 'function', 'parameters'] : [...at, 'function'],
        'value',
        hasKey(fn, 'parameters') ? `"parameters" must be a JSON Schema object, not ${describeValue(fn.parameters)}` : 'The tool has no "parameters" (a JSON Schema object)',
        'e.g. {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}',
      );
    }
  }
  return names;
}
