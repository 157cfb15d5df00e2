/**
 * Every rule the validator applies, with its stable code and severity.
 * The table in rules.md mirrors this list; codes never change meaning once published,
 * because the Problems panel, the CLI's output and users' scripts key on them.
 */
import type { Severity } from './types';

interface RuleInfo {
  severity: Severity;
  description: string;
}

export const RULES = {
  // File level
  'file-empty': { severity: 'error', description: 'The file has no records.' },
  'file-too-large': { severity: 'error', description: 'The file is larger than the 512 MB upload limit.' },
  'file-extension': { severity: 'error', description: 'Fine-tuning files must have the .jsonl extension.' },
  'utf8-invalid': { severity: 'error', description: 'The line contains bytes that are not valid UTF-8.' },
  'line-too-long': { severity: 'error', description: 'The line is longer than 128 MB; it is not checked.' },
  bom: { severity: 'error', description: 'The file starts with a UTF-8 byte order mark.' },
  'blank-line': { severity: 'error', description: 'An empty line between records.' },
  'pretty-printed': { severity: 'error', description: 'One JSON value spread over several lines.' },
  'json-syntax': { severity: 'error', description: 'The line is not valid JSON.' },
  'record-not-object': { severity: 'error', description: 'The line is valid JSON but not an object.' },
  'record-unrecognized': { severity: 'error', description: 'The object matches no known format (instruct, pretrain, classifier, batch).' },
  'mixed-formats': { severity: 'error', description: 'A record whose format is not the file\'s (one per minority-format record).' },
  'alias-conflict': { severity: 'error', description: 'A key and its alias together (messages/interactions, tools/available_tools, content/text).' },
  // Fine-tuning: instruct
  'messages-missing': { severity: 'error', description: 'An instruct record needs a "messages" list.' },
  'messages-not-array': { severity: 'error', description: '"messages" must be a list.' },
  'messages-empty': { severity: 'error', description: 'The conversation has no message besides the system prompt.' },
  'message-not-object': { severity: 'error', description: 'Each message must be an object.' },
  'role-missing': { severity: 'error', description: 'A message has no "role".' },
  'role-invalid': { severity: 'error', description: 'The role is not system, user, assistant or tool.' },
  'role-order': { severity: 'error', description: 'A message follows a role it may not follow.' },
  'system-multiple': { severity: 'error', description: 'More than one system message.' },
  'last-message-not-assistant': { severity: 'error', description: 'The conversation does not end with the assistant.' },
  'lone-assistant-message': { severity: 'error', description: 'The conversation is a single assistant message.' },
  'content-missing': { severity: 'error', description: 'A message that needs "content" has none.' },
  'content-type': { severity: 'error', description: '"content" has the wrong type for this role.' },
  'content-chunk-invalid': { severity: 'error', description: 'A content chunk is not one of the chunk types its role may use, or is malformed.' },
  'unknown-key': { severity: 'error', description: 'A content chunk (or its image_url) has a key its type does not define.' },
  'assistant-content-and-tool-calls': { severity: 'error', description: 'An assistant message has both "content" and "tool_calls".' },
  'assistant-missing-content': { severity: 'error', description: 'An assistant message has neither "content" nor "tool_calls", or its content is empty.' },
  'tool-calls-empty-content': { severity: 'warning', description: 'An empty "content" beside "tool_calls".' },
  'weight-invalid': { severity: 'error', description: '"weight" must be 0, 1 or null.' },
  'legacy-function-calling': { severity: 'error', description: 'OpenAI\'s legacy "functions", "function_call" or role "function".' },
  'tool-calls-not-array': { severity: 'error', description: '"tool_calls" must be a list.' },
  'tool-call-invalid': { severity: 'error', description: 'A tool call is not {id, type: "function", function: {name, arguments}}.' },
  'tool-call-id-invalid': { severity: 'error', description: 'A tool call id is missing or does not match ^[a-zA-Z0-9]{9}$.' },
  'tool-call-name-invalid': { severity: 'error', description: 'A called function name does not match ^[a-zA-Z0-9_-]{1,64}$.' },
  'tool-call-arguments-not-string': { severity: 'error', description: '"arguments" must be a JSON-encoded string.' },
  'tool-message-call-id-invalid': { severity: 'error', description: 'A tool message has no valid "tool_call_id".' },
  'tool-message-call-id-unknown': { severity: 'error', description: 'A tool message answers no earlier tool call.' },
  'tool-message-name-invalid': { severity: 'error', description: 'A tool message "name" does not match ^[a-zA-Z0-9_-]{1,64}$.' },
  'tool-messages-count': { severity: 'error', description: 'The number of tool messages differs from the number of calls (except calls that end the conversation).' },
  'tools-not-array': { severity: 'error', description: '"tools" must be a list.' },
  'tool-definition-invalid': { severity: 'error', description: 'A tools entry is not {type: "function", function: {name, description, parameters}}.' },
  'tool-description-missing': { severity: 'error', description: 'A tool definition has no "description".' },
  'tool-parameters-schema': { severity: 'error', description: 'A tool\'s "parameters" is not a valid JSON Schema (draft 7).' },
  'tool-undefined': { severity: 'error', description: 'A called tool is not defined in "tools".' },
  // Fine-tuning: pretrain
  'text-missing': { severity: 'error', description: 'A pretrain record needs a "text" string.' },
  'text-not-string': { severity: 'error', description: '"text" must be a string.' },
  // Classifier
  'labels-invalid': { severity: 'error', description: '"labels" is not an object of label names to values.' },
  // Batch
  'body-missing': { severity: 'error', description: 'A batch request needs a "body" object.' },
  'body-not-object': { severity: 'error', description: '"body" must be an object.' },
  'custom-id-missing': { severity: 'warning', description: 'A batch request has no "custom_id".' },
  'custom-id-not-string': { severity: 'error', description: '"custom_id" must be a string.' },
  'custom-id-duplicate': { severity: 'warning', description: 'The same "custom_id" is used twice.' },
  'too-many-requests': { severity: 'error', description: 'More than 1,000,000 requests in one batch file.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleCode = keyof typeof RULES;

export function severityOf(code: RuleCode): Severity {
  return RULES[code].severity;
}

/** Limits from Mistral's documentation. */
export const MAX_BATCH_REQUESTS = 1_000_000;
export const TOOL_CALL_ID_PATTERN = /^[a-zA-Z0-9]{9}$/;
export const FUNCTION_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** How summary.estimatedTokens was obtained; shown with the figure. */
export const TOKEN_COUNT_METHOD =
  "Mistral's v3 tokenizer, as validate_data.py counts: message text, tool definitions, tool calls and results, control tokens; images and audio not counted; newer (Tekken) models differ";
export const TOKEN_ESTIMATE_METHOD = '≈ characters / 3.3 of the text the v3 tokenizer would encode, plus its control tokens (an estimate: Validate JSONL File and `validate` count exactly)';
