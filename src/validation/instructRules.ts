/**
 * Fine-tuning instruct (and classifier chat) records: messages, roles, the order of turns.
 * Sources: mistral-common's validator (protocol/instruct/validator.py, fine-tuning mode) and
 * mistral-finetune's data checks and aliases (utils/validate_data.py, finetune/data/), both at
 * github.com/mistralai; docs.mistral.ai's fine-tuning data format. Choices where they differ: rules.md.
 */
import { checkContentValue, isEmptyContent, messageContent } from './contentRules';
import type { PathSegment } from './jsonScan';
import { countRole, describeValue, hasKey, isPlainObject, type RecordReporter, type RecordTallies } from './report';
import { FUNCTION_NAME_PATTERN, TOOL_CALL_ID_PATTERN } from './rules';
import { checkToolCall, checkTools } from './toolRules';

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

/** Reports a key given together with its alias (mistral-finetune reads one or the other, never both). */
function checkAlias(record: Record<string, unknown>, at: PathSegment[], key: string, alias: string, r: RecordReporter): void {
  if (hasKey(record, key) && hasKey(record, alias)) {
    r.report('alias-conflict', [...at, alias], 'key', `Both "${key}" and its alias "${alias}" are given; Mistral's tools reject the pair`, `Keep only "${key}"`);
  }
}

export interface InstructOptions {
  /** Classifier chat data ({"messages", "labels"}): the conversation need not end with the assistant. */
  classifier?: boolean;
}

export function checkInstruct(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies, options: InstructOptions = {}): void {
  const key = hasKey(record, 'messages') || !hasKey(record, 'interactions') ? 'messages' : 'interactions';
  checkAlias(record, [], 'messages', 'interactions', r);
  checkAlias(record, [], 'tools', 'available_tools', r);
  if (hasKey(record, 'functions')) {
    r.report('legacy-function-calling', ['functions'], 'key', 'OpenAI\'s legacy "functions" list: Mistral reads "tools"', 'Rename it to "tools" with each entry as {"type": "function", "function": {…}}');
  }
  if (isSet(record.system_prompt) && typeof record.system_prompt !== 'string') {
    r.report('content-type', ['system_prompt'], 'value', `"system_prompt" must be a string, not ${describeValue(record.system_prompt)}`);
  }
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

  const closePending = (atEnd: boolean): void => {
    const open = pending;
    pending = null;
    if (!open || open.answered === open.calls) return;
    // A conversation may end on the assistant's tool calls (the docs' own example); mistral-common's fine-tuning mode allows it.
    if (atEnd && open.answered === 0 && open.index === messages.length - 1) return;
    const calls = open.calls;
    r.report(
      'tool-messages-count',
      [key, open.index, 'tool_calls'],
      'key',
      `The assistant makes ${calls} tool call${calls === 1 ? '' : 's'} but ${open.answered} tool message${open.answered === 1 ? '' : 's'} follow${open.answered === 1 ? 's' : ''}`,
      'Follow the assistant message with exactly one tool message per call, each with the call\'s id as "tool_call_id"',
    );
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
      if (role === 'function') {
        r.report('legacy-function-calling', [...at, 'role'], 'value', 'OpenAI\'s legacy role "function": Mistral calls it "tool"', 'Use "role": "tool" with the "tool_call_id" of the call it answers');
        if (pending) pending.answered++;
      } else {
        r.report('role-invalid', [...at, 'role'], 'value', `${describeValue(role)} is not a role: use "system", "user", "assistant" or "tool"`, role === 'developer' ? 'OpenAI\'s "developer" messages are "system" messages for Mistral' : undefined);
      }
      conversationMessages++;
      if (typeof role === 'string') countRole(tallies, role);
      previousRole = null;
      continue;
    }
    countRole(tallies, role);
    if (role !== 'tool') closePending(false);
    if (previousRole !== null && !ALLOWED_NEXT[previousRole].has(role) && !(role === 'system' && previousRole === 'system')) {
      r.report('role-order', [...at, 'role'], 'value', `A ${role} message cannot follow a ${previousRole} message`, orderHint(role));
    }
    previousRole = role;
    checkAlias(message, at, 'content', 'text', r);
    if (role === 'system') {
      systemMessages++;
      if (systemMessages > 1) r.report('system-multiple', [...at, 'role'], 'value', 'Only one system message is allowed per conversation', 'Merge the system prompts into one message');
      checkRequiredContent(message, at, role, r);
      continue;
    }
    conversationMessages++;
    lastConversation = { index: i, role };
    if (role === 'user') checkRequiredContent(message, at, role, r);
    else if (role === 'assistant') pending = checkAssistant(message, at, i, i === messages.length - 1, r, calledIds, definedTools);
    else checkToolMessage(message, at, r, calledIds, pending);
  }
  closePending(true);

  if (conversationMessages === 0) {
    r.report('messages-empty', [key], 'value', 'The conversation has no messages besides the system prompt', 'Add at least a user message and the assistant\'s reply');
    return;
  }
  if (options.classifier) return;
  const first = messages[0];
  if (messages.length === 1 && isPlainObject(first) && first.role === 'assistant') {
    r.report('lone-assistant-message', [key, 0, 'role'], 'value', 'A conversation of one assistant message has nothing to answer; Mistral rejects it', 'Add the user message the assistant answers before it');
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

/** System, user and tool messages need content (or its alias `text`). */
function checkRequiredContent(message: Record<string, unknown>, at: PathSegment[], role: string, r: RecordReporter): void {
  const content = messageContent(message);
  if (!isSet(content.value)) r.report('content-missing', at, 'value', `The ${role} message has no "content"`);
  else checkContentValue(content.value, [...at, content.key], role, r);
}

function checkAssistant(
  message: Record<string, unknown>,
  at: PathSegment[],
  index: number,
  isLast: boolean,
  r: RecordReporter,
  calledIds: Set<string>,
  definedTools: Set<string> | null,
): PendingCalls | null {
  const content = messageContent(message);
  const toolCalls = message.tool_calls;
  // An empty list is how many exporters write "no tool calls".
  const hasCalls = isSet(toolCalls) && !(Array.isArray(toolCalls) && toolCalls.length === 0);
  const legacyCall = isSet(message.function_call);
  if (hasKey(message, 'weight') && message.weight !== 0 && message.weight !== 1 && message.weight !== null) {
    r.report('weight-invalid', [...at, 'weight'], 'value', `"weight" must be 0 or 1, not ${describeValue(message.weight)}`, 'Use 0 to exclude this reply from training, 1 (the default) to include it');
  }
  if (legacyCall) {
    r.report('legacy-function-calling', [...at, 'function_call'], 'key', 'OpenAI\'s legacy "function_call": Mistral reads "tool_calls"', 'Use "tool_calls": [{"id": "<9 letters or digits>", "type": "function", "function": {…}}]');
  }
  const empty = isEmptyContent(content.value);
  if (hasCalls && !empty) {
    r.report('assistant-content-and-tool-calls', [...at, 'tool_calls'], 'key', 'An assistant message has either "content" or "tool_calls", not both', 'Split it into a message with the text and one with the tool calls');
  } else if (hasCalls && isSet(content.value)) {
    r.report('tool-calls-empty-content', [...at, content.key], 'key', `An empty "${content.key}" beside "tool_calls"; Mistral's examples and reformat_data.py leave the key out`, 'Remove the empty content');
  } else if (!hasCalls && empty && !legacyCall) {
    if (isSet(content.value)) r.report('assistant-missing-content', [...at, content.key], 'value', 'The assistant message\'s content is empty; Mistral rejects empty replies', 'Write the reply, or drop the message');
    else r.report('assistant-missing-content', at, 'value', 'The assistant message has neither "content" nor "tool_calls"');
  }
  if (!empty) checkContentValue(content.value, [...at, content.key], 'assistant', r);
  if (!hasCalls) return null;
  if (!Array.isArray(toolCalls)) {
    r.report('tool-calls-not-array', [...at, 'tool_calls'], 'value', `"tool_calls" must be a list, not ${describeValue(toolCalls)}`);
    return null;
  }
  for (let c = 0; c < toolCalls.length; c++) {
    checkToolCall(toolCalls[c], [...at, 'tool_calls', c], { r, calledIds, definedTools, onLastMessage: isLast });
  }
  return { index, calls: toolCalls.length, answered: 0 };
}

function checkToolMessage(message: Record<string, unknown>, at: PathSegment[], r: RecordReporter, calledIds: Set<string>, pending: PendingCalls | null): void {
  checkRequiredContent(message, at, 'tool', r);
  if (pending) pending.answered++;
  const id = message.tool_call_id;
  if (!hasKey(message, 'tool_call_id') || id === null) {
    r.report('tool-message-call-id-invalid', at, 'value', 'The tool message has no "tool_call_id"', 'Set it to the id of the tool call this message answers');
  } else if (typeof id !== 'string' || !TOOL_CALL_ID_PATTERN.test(id)) {
    r.report('tool-message-call-id-invalid', [...at, 'tool_call_id'], 'value', `"tool_call_id" ${describeValue(id)} must be exactly 9 letters or digits`);
  } else if (!calledIds.has(id)) {
    r.report('tool-message-call-id-unknown', [...at, 'tool_call_id'], 'value', `No earlier tool call has the id "${id}"`, 'A tool message answers a call made by an earlier assistant message');
  }
  const name = message.name;
  if (isSet(name) && (typeof name !== 'string' || !FUNCTION_NAME_PATTERN.test(name))) {
    r.report('tool-message-name-invalid', [...at, 'name'], 'value', `Tool message name ${describeValue(name)} must be 1-64 letters, digits, _ or - (the function's name)`);
  }
}
