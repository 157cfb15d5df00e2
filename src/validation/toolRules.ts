/**
 * Function calling: the record's tool definitions and the assistant's tool calls. Sources:
 * mistral-common's validator (protocol/instruct/validator.py: function names, call ids, the
 * parameters' JSON Schema) and mistral-finetune's data checks (utils/validate_data.py), both at
 * github.com/mistralai.
 */
import type { PathSegment } from './jsonScan';
import { describeValue, hasKey, isPlainObject, type RecordReporter, type RecordTallies } from './report';
import { FUNCTION_NAME_PATTERN, TOOL_CALL_ID_PATTERN } from './rules';
import { schemaProblem } from './schemaCheck';

/** The tools list's key: `available_tools` is mistral-finetune's alias. */
export function toolsKey(record: Record<string, unknown>): 'tools' | 'available_tools' {
  return !hasKey(record, 'tools') && hasKey(record, 'available_tools') ? 'available_tools' : 'tools';
}

/** Checks the tools list; returns the defined function names, or null when the record has no list. */
export function checkTools(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies): Set<string> | null {
  const key = toolsKey(record);
  const tools = record[key];
  if (tools === undefined || tools === null) return null;
  if (!Array.isArray(tools)) {
    r.report('tools-not-array', [key], 'value', `"${key}" must be a list, not ${describeValue(tools)}`);
    return new Set();
  }
  if (tools.length > 0) tallies.recordsWithTools++;
  const names = new Set<string>();
  for (let t = 0; t < tools.length; t++) {
    const name = checkToolDefinition(tools[t], [key, t], r);
    if (name !== null) names.add(name);
  }
  return names;
}

function checkToolDefinition(tool: unknown, at: PathSegment[], r: RecordReporter): string | null {
  if (!isPlainObject(tool)) {
    r.report('tool-definition-invalid', at, 'value', `A tool must be {"type": "function", "function": {…}}, not ${describeValue(tool)}`);
    return null;
  }
  if (hasKey(tool, 'type') && tool.type !== 'function') {
    r.report('tool-definition-invalid', [...at, 'type'], 'value', `Tool "type" must be "function", not ${describeValue(tool.type)}`);
  }
  const fn = tool.function;
  if (!isPlainObject(fn)) {
    r.report('tool-definition-invalid', hasKey(tool, 'function') ? [...at, 'function'] : at, 'value', 'The tool needs "function": {"name", "description", "parameters"}');
    return null;
  }
  const fnAt = [...at, 'function'];
  let name: string | null = null;
  if (typeof fn.name === 'string' && FUNCTION_NAME_PATTERN.test(fn.name)) name = fn.name;
  else r.report('tool-definition-invalid', hasKey(fn, 'name') ? [...fnAt, 'name'] : fnAt, 'value', `Tool name ${hasKey(fn, 'name') ? describeValue(fn.name) : '(missing)'} must be 1-64 letters, digits, _ or -`);
  if (!hasKey(fn, 'description')) {
    r.report('tool-description-missing', fnAt, 'value', `The tool ${name === null ? '' : `"${name}" `}has no "description"; mistral-finetune requires the key`, 'Add "description": "…" (an empty string is accepted)');
  } else if (typeof fn.description !== 'string') {
    r.report('tool-definition-invalid', [...fnAt, 'description'], 'value', `"description" must be a string, not ${describeValue(fn.description)}`);
  }
  if (!isPlainObject(fn.parameters)) {
    r.report(
      'tool-definition-invalid',
      hasKey(fn, 'parameters') ? [...fnAt, 'parameters'] : fnAt,
      'value',
      hasKey(fn, 'parameters') ? `"parameters" must be a JSON Schema object, not ${describeValue(fn.parameters)}` : 'The tool has no "parameters" (a JSON Schema object)',
      'e.g. {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}',
    );
  } else {
    const problem = schemaProblem(fn.parameters);
    if (problem) {
      r.report('tool-parameters-schema', [...fnAt, 'parameters', ...problem.path], 'value', `"parameters" is not a valid JSON Schema: ${problem.message}`, 'mistral-common checks it against JSON Schema draft 7');
    }
  }
  return name;
}

export interface CallContext {
  r: RecordReporter;
  calledIds: Set<string>;
  definedTools: Set<string> | null;
  /** The call is on the conversation's last message, where mistral-common accepts the id "null". */
  onLastMessage: boolean;
}

export function checkToolCall(call: unknown, at: PathSegment[], ctx: CallContext): void {
  const { r, calledIds, definedTools } = ctx;
  if (!isPlainObject(call)) {
    r.report('tool-call-invalid', at, 'value', `A tool call must be an object {"id", "type": "function", "function": {"name", "arguments"}}, not ${describeValue(call)}`);
    return;
  }
  const id = call.id;
  if (typeof id === 'string' && TOOL_CALL_ID_PATTERN.test(id)) calledIds.add(id);
  else if (id === 'null' && ctx.onLastMessage) {
    // mistral-common's validator skips the id check for "null"; no tool message can answer it, so only the last message may use it.
  } else if (!hasKey(call, 'id')) r.report('tool-call-id-invalid', at, 'value', 'The tool call has no "id"', 'Give each call a 9-character alphanumeric id, e.g. "D681PevKs"');
  else r.report('tool-call-id-invalid', [...at, 'id'], 'value', `Tool call id ${describeValue(id)} must be exactly 9 letters or digits`, 'e.g. "D681PevKs"');
  if (hasKey(call, 'type') && call.type !== 'function' && call.type !== null) {
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
  // Any string passes: Mistral's tools never parse it, and reformat_data_glaive.py writes "" and Python reprs.
  if (typeof args === 'string') return;
  if (!hasKey(fn, 'arguments')) {
    r.report('tool-call-invalid', [...at, 'function'], 'value', 'The function call has no "arguments"', 'Use "arguments": "{}" for a call without arguments');
  } else {
    r.report('tool-call-arguments-not-string', [...at, 'function', 'arguments'], 'value', `"arguments" must be a JSON-encoded string, not ${describeValue(args)}`, 'Encode it: json.dumps(arguments) in Python, JSON.stringify(arguments) in JavaScript');
  }
}
