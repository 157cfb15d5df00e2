/**
 * Tool definitions and tool calls in Mistral's shape (https://docs.mistral.ai/capabilities/function_calling/):
 * `{"type": "function", "function": {name, description, parameters}}` and
 * `{"id": 9 chars, "type": "function", "function": {name, arguments: JSON string}}`.
 * The mapping follows mistral-common's `convert_openai_tools`/`from_openai` (missing description → "", missing
 * parameters → {}, dict arguments → json.dumps, null → "{}") and keeps `strict`. Pure: no `vscode` import.
 */
import type { ToolCallIds } from './ids';
import type { ReportBuilder } from './report';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const FUNCTION_KEYS = new Set(['name', 'description', 'parameters', 'strict']);

/** A tools list from `tools`, a JSON string of it, or legacy `functions`. Null means a definition is unusable. */
export function normalizeTools(raw: unknown, legacy: boolean, line: number, report: ReportBuilder): Json[] | null {
  let list = raw;
  if (typeof list === 'string') {
    const text = list.trim();
    if (text === '' || text === '[]' || text === '{}') return [];
    try {
      list = JSON.parse(text);
    } catch {
      return null;
    }
    report.change('tools-parsed', line);
  }
  if (isObject(list)) list = [list];
  if (!Array.isArray(list)) return null;
  const tools: Json[] = [];
  for (const entry of list) {
    // Legacy functions and some exporters give the function itself, not {type, function}.
    const wrapped = isObject(entry) && isObject(entry.function);
    const fn = wrapped ? (entry.function as Json) : entry;
    if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') return null;
    const out: Json = { name: fn.name };
    if (typeof fn.description === 'string') out.description = fn.description;
    else {
      out.description = '';
      report.change('tool-description-added', line);
    }
    if (isObject(fn.parameters)) out.parameters = fn.parameters;
    else {
      out.parameters = {};
      report.change('tool-parameters-added', line);
    }
    if (typeof fn.strict === 'boolean') out.strict = fn.strict;
    for (const key of Object.keys(fn)) if (!FUNCTION_KEYS.has(key)) report.change('key-removed', line, `tools[].function.${key}`);
    if (wrapped) {
      for (const key of Object.keys(entry as Json)) if (key !== 'type' && key !== 'function') report.change('key-removed', line, `tools[].${key}`);
    }
    if (!legacy && !(wrapped && (entry as Json).type === 'function')) report.change('tool-type-added', line);
    tools.push({ type: 'function', function: out });
  }
  return tools;
}

export interface PendingCall {
  id: string;
  name: string;
}

/**
 * One call in Mistral's shape, or null when it has no function name. `raw` is an OpenAI call
 * ({id, type, function: {name, arguments}}), a legacy function_call ({name, arguments}) or a ShareGPT/glaive call.
 */
export function normalizeCall(raw: unknown, ids: ToolCallIds, line: number, report: ReportBuilder): Json | null {
  if (!isObject(raw)) return null;
  const fn = isObject(raw.function) ? raw.function : raw;
  if (typeof fn.name !== 'string' || fn.name === '') return null;
  let args = fn.arguments;
  if (typeof args !== 'string') {
    args = args === undefined || args === null ? '{}' : JSON.stringify(args);
    report.change('arguments-serialized', line);
  }
  const mapped = ids.forCall(raw.id);
  if (mapped.remapped) report.change('tool-call-id-remapped', line);
  if (mapped.added) report.change('tool-call-id-added', line);
  if (raw.type === undefined) report.change('tool-type-added', line);
  if (raw !== fn) {
    for (const key of Object.keys(raw)) if (key !== 'id' && key !== 'type' && key !== 'function') report.change('key-removed', line, `tool_calls[].${key}`);
    for (const key of Object.keys(fn)) if (key !== 'name' && key !== 'arguments') report.change('key-removed', line, `tool_calls[].function.${key}`);
  }
  return { id: mapped.id, type: typeof raw.type === 'string' ? raw.type : 'function', function: { name: fn.name, arguments: args } };
}
