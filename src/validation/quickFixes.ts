/**
 * Quick fixes for one line of a JSONL file. Pure: the editor's code actions and tests call it.
 * Every fix splices the original text at the positions of the values it changes, so every other
 * byte of the line (spacing, key order, escapes, unknown keys) stays as it was.
 */
import { CHUNK_KEYS } from './contentRules';
import { JsonLocator, type Located, type PathSegment } from './jsonScan';
import { hasKey, isPlainObject } from './report';
import { TOOL_CALL_ID_PATTERN } from './rules';

export const FIXABLE_CODES = [
  'last-message-not-assistant',
  'tool-call-id-invalid',
  'tool-message-call-id-invalid',
  'tool-calls-empty-content',
  'assistant-content-and-tool-calls',
  'tool-description-missing',
  'legacy-function-calling',
  'unknown-key',
  'custom-id-duplicate',
] as const;
export type FixableCode = (typeof FIXABLE_CODES)[number];

export function isFixable(code: string): code is FixableCode {
  return (FIXABLE_CODES as readonly string[]).includes(code);
}

export interface FixContext {
  /** custom-id-duplicate: every custom_id in the file (new ones are added as they are made). */
  usedIds?: Set<string>;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

type Json = Record<string, unknown>;

/** The line with every problem of this kind fixed, or null when there is nothing this fix can do. */
export function fixLine(code: FixableCode, text: string, context: FixContext = {}): string | null {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(record)) return null;
  const line = new Line(text);
  let splices: Splice[] | null;
  switch (code) {
    case 'last-message-not-assistant':
      splices = dropTrailingTurns(record, line);
      break;
    case 'tool-call-id-invalid':
    case 'tool-message-call-id-invalid':
      splices = remapIds(record, line);
      break;
    case 'tool-calls-empty-content':
      splices = removeEmptyContent(record, line);
      break;
    case 'assistant-content-and-tool-calls':
      splices = splitContentAndCalls(record, line);
      break;
    case 'tool-description-missing':
      splices = addDescriptions(record, line);
      break;
    case 'legacy-function-calling':
      splices = renameLegacy(record, line);
      break;
    case 'unknown-key':
      return dropUnknownKeys(text);
    case 'custom-id-duplicate':
      splices = renumberCustomId(record, line, context.usedIds ?? new Set());
      break;
  }
  if (!splices || splices.length === 0) return null;
  const fixed = applySplices(text, splices);
  return fixed === text ? null : fixed;
}

function applySplices(text: string, splices: Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const s of sorted) {
    if (s.end > limit) throw new Error('overlapping edits');
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    limit = s.start;
  }
  return out;
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** One line's text, its JSON positions and its spacing style (`": "` or `":"`). */
class Line {
  private readonly locator: JsonLocator;
  readonly colon: string;
  readonly comma: string;

  constructor(readonly text: string) {
    this.locator = new JsonLocator(text);
    const spaced = /":\s/.test(text);
    this.colon = spaced ? ': ' : ':';
    this.comma = spaced ? ', ' : ',';
  }

  at(path: readonly PathSegment[]): Located | null {
    return this.locator.locate(path);
  }

  member(key: string, value: string): string {
    return `${JSON.stringify(key)}${this.colon}${value}`;
  }

  /** Removes a member and one comma next to it. */
  removeMember(path: readonly PathSegment[]): Splice | null {
    const loc = this.at(path);
    if (!loc) return null;
    const text = this.text;
    let j = loc.valueEnd;
    while (isWs(text[j])) j++;
    if (text[j] === ',') {
      j++;
      while (isWs(text[j])) j++;
      return { start: loc.keyStart, end: j, text: '' };
    }
    let i = loc.keyStart - 1;
    while (i >= 0 && isWs(text[i])) i--;
    return text[i] === ',' ? { start: i, end: loc.valueEnd, text: '' } : { start: loc.keyStart, end: loc.valueEnd, text: '' };
  }

  /** Inserts a member just before the closing brace of the object at `path`. */
  appendMember(path: readonly PathSegment[], object: Json, key: string, value: string): Splice | null {
    const loc = this.at(path);
    if (!loc) return null;
    const close = loc.valueEnd - 1;
    const prefix = Object.keys(object).length > 0 ? this.comma : '';
    return { start: close, end: close, text: `${prefix}${this.member(key, value)}` };
  }
}

function messagesOf(record: Json): { key: string; messages: unknown[] } | null {
  const key = hasKey(record, 'messages') || !hasKey(record, 'interactions') ? 'messages' : 'interactions';
  const messages = record[key];
  return Array.isArray(messages) ? { key, messages } : null;
}

function dropTrailingTurns(record: Json, line: Line): Splice[] | null {
  const found = messagesOf(record);
  if (!found) return null;
  const { key, messages } = found;
  let last = -1;
  messages.forEach((m, i) => {
    if (isPlainObject(m) && m.role === 'assistant') last = i;
  });
  if (last < 0 || last === messages.length - 1) return null;
  const keep = line.at([key, last]);
  const end = line.at([key, messages.length - 1]);
  return keep && end ? [{ start: keep.valueEnd, end: end.valueEnd, text: '' }] : null;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A 9-character id from an old one: its last 9 letters and digits when it has that many (OpenAI's call_… ids), else a hash. */
function newCallId(old: string, taken: Set<string>): string {
  const alnum = old.replace(/[^A-Za-z0-9]/g, '');
  if (alnum.length >= 9 && !taken.has(alnum.slice(-9))) return alnum.slice(-9);
  for (let salt = 0; ; salt++) {
    let hash = 2166136261 ^ salt;
    let id = '';
    for (let k = 0; k < 9; k++) {
      for (let i = 0; i < old.length; i++) hash = Math.imul(hash ^ old.charCodeAt(i) ^ k, 16777619);
      id += ALPHANUMERIC[(hash >>> 0) % ALPHANUMERIC.length];
    }
    if (!taken.has(id)) return id;
  }
}

/** Gives every invalid call id a valid one and rewrites the tool messages that answer it, so calls and results still match. */
function remapIds(record: Json, line: Line): Splice[] | null {
  const found = messagesOf(record);
  if (!found) return null;
  const { key, messages } = found;
  const taken = new Set<string>();
  const sites: { path: PathSegment[]; old: string }[] = [];
  const idText = (value: unknown): string | null => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);
  messages.forEach((m, i) => {
    if (!isPlainObject(m)) return;
    if (m.role === 'assistant' && Array.isArray(m.tool_calls)) {
      m.tool_calls.forEach((call, c) => {
        if (!isPlainObject(call)) return;
        const id = idText(call.id);
        if (id === null) return;
        if (typeof call.id === 'string' && TOOL_CALL_ID_PATTERN.test(call.id)) taken.add(call.id);
        else if (id !== 'null') sites.push({ path: [key, i, 'tool_calls', c, 'id'], old: id });
      });
    } else if (m.role === 'tool') {
      const id = idText(m.tool_call_id);
      if (id !== null && !(typeof m.tool_call_id === 'string' && TOOL_CALL_ID_PATTERN.test(m.tool_call_id))) sites.push({ path: [key, i, 'tool_call_id'], old: id });
    }
  });
  const mapping = new Map<string, string>();
  for (const site of sites) {
    if (mapping.has(site.old)) continue;
    const id = newCallId(site.old, taken);
    taken.add(id);
    mapping.set(site.old, id);
  }
  const splices: Splice[] = [];
  for (const site of sites) {
    const loc = line.at(site.path);
    if (loc) splices.push({ start: loc.valueStart, end: loc.valueEnd, text: JSON.stringify(mapping.get(site.old)) });
  }
  return splices;
}

function hasCalls(message: Json): boolean {
  return Array.isArray(message.tool_calls) && message.tool_calls.length > 0;
}

function contentKey(message: Json): 'content' | 'text' {
  return !hasKey(message, 'content') && hasKey(message, 'text') ? 'text' : 'content';
}

function removeEmptyContent(record: Json, line: Line): Splice[] | null {
  const found = messagesOf(record);
  if (!found) return null;
  const splices: Splice[] = [];
  found.messages.forEach((m, i) => {
    if (!isPlainObject(m) || m.role !== 'assistant' || !hasCalls(m)) return;
    const k = contentKey(m);
    const value = m[k];
    if (value !== '' && !(Array.isArray(value) && value.length === 0)) return;
    const removal = line.removeMember([found.key, i, k]);
    if (removal) splices.push(removal);
  });
  return splices;
}

/** An assistant message with text and tool calls becomes two: the text, then the calls (with every other key). */
function splitContentAndCalls(record: Json, line: Line): Splice[] | null {
  const found = messagesOf(record);
  if (!found) return null;
  const splices: Splice[] = [];
  found.messages.forEach((m, i) => {
    if (!isPlainObject(m) || m.role !== 'assistant' || !hasCalls(m)) return;
    const k = contentKey(m);
    const value = m[k];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return;
    const message = line.at([found.key, i]);
    const content = line.at([found.key, i, k]);
    const removal = line.removeMember([found.key, i, k]);
    if (!message || !content || !removal) return;
    const text = line.text;
    const calls = text.slice(message.valueStart, removal.start) + text.slice(removal.end, message.valueEnd);
    const first = `{${line.member('role', '"assistant"')}${line.comma}${line.member(k, text.slice(content.valueStart, content.valueEnd))}}`;
    splices.push({ start: message.valueStart, end: message.valueEnd, text: `${first}${line.comma}${calls}` });
  });
  return splices;
}

function addDescriptions(record: Json, line: Line): Splice[] | null {
  const key = !hasKey(record, 'tools') && hasKey(record, 'available_tools') ? 'available_tools' : 'tools';
  const tools = record[key];
  if (!Array.isArray(tools)) return null;
  const splices: Splice[] = [];
  tools.forEach((tool, t) => {
    if (!isPlainObject(tool) || !isPlainObject(tool.function) || hasKey(tool.function, 'description')) return;
    const insert = line.appendMember([key, t, 'function'], tool.function, 'description', '""');
    if (insert) splices.push(insert);
  });
  return splices;
}

/**
 * OpenAI's legacy function calling, as reformat_data.py rewrites it but keeping every call: "functions"
 * becomes "tools" (each wrapped as {"type": "function", "function": …}), "function_call" becomes a
 * one-call "tool_calls" with a new id, and role "function" becomes "tool" answering that id.
 */
function renameLegacy(record: Json, line: Line): Splice[] | null {
  const splices: Splice[] = [];
  const text = line.text;
  if (Array.isArray(record.functions) && !hasKey(record, 'tools')) {
    const key = line.at(['functions']);
    if (key) splices.push({ start: key.keyStart, end: key.keyEnd, text: '"tools"' });
    record.functions.forEach((_, f) => {
      const entry = line.at(['functions', f]);
      if (!entry) return;
      splices.push({ start: entry.valueStart, end: entry.valueStart, text: `{${line.member('type', '"function"')}${line.comma}"function"${line.colon}` });
      splices.push({ start: entry.valueEnd, end: entry.valueEnd, text: '}' });
    });
  }
  const found = messagesOf(record);
  if (found) {
    const taken = new Set<string>();
    let lastId: string | null = null;
    found.messages.forEach((m, i) => {
      if (!isPlainObject(m)) return;
      if (m.role === 'assistant' && isPlainObject(m.function_call) && !hasKey(m, 'tool_calls')) {
        const call = line.at([found.key, i, 'function_call']);
        if (!call) return;
        lastId = newCallId(`${text.length}:${i}:${JSON.stringify(m.function_call)}`, taken);
        taken.add(lastId);
        const head = `"tool_calls"${line.colon}[{${line.member('id', JSON.stringify(lastId))}${line.comma}${line.member('type', '"function"')}${line.comma}"function"${line.colon}`;
        splices.push({ start: call.keyStart, end: call.valueStart, text: head });
        splices.push({ start: call.valueEnd, end: call.valueEnd, text: '}]' });
      } else if (m.role === 'function') {
        const role = line.at([found.key, i, 'role']);
        if (role) splices.push({ start: role.valueStart, end: role.valueEnd, text: '"tool"' });
        if (lastId !== null && !hasKey(m, 'tool_call_id')) {
          const insert = line.appendMember([found.key, i], m, 'tool_call_id', JSON.stringify(lastId));
          if (insert) splices.push(insert);
        }
      }
    });
  }
  return splices;
}

/** Removes keys a chunk's type does not define, one at a time (each removal re-reads the line, so neighbouring commas stay right). */
function dropUnknownKeys(text: string): string | null {
  let current = text;
  for (let pass = 0; pass < 1000; pass++) {
    const record = JSON.parse(current) as Json;
    const line = new Line(current);
    const path = firstUnknownKey(record);
    if (!path) break;
    const removal = line.removeMember(path);
    if (!removal) break;
    current = applySplices(current, [removal]);
  }
  return current === text ? null : current;
}

function firstUnknownKey(record: Json): PathSegment[] | null {
  const found = messagesOf(record);
  if (!found) return null;
  for (let i = 0; i < found.messages.length; i++) {
    const m = found.messages[i];
    if (!isPlainObject(m)) continue;
    const k = contentKey(m);
    const content = m[k];
    if (!Array.isArray(content)) continue;
    for (let c = 0; c < content.length; c++) {
      const chunk: unknown = content[c];
      if (!isPlainObject(chunk) || typeof chunk.type !== 'string' || !hasKey(CHUNK_KEYS, chunk.type)) continue;
      const allowed = CHUNK_KEYS[chunk.type as keyof typeof CHUNK_KEYS];
      const extra = Object.keys(chunk).find((key) => !allowed.has(key));
      if (extra !== undefined) return [found.key, i, k, c, extra];
      if (chunk.type === 'image_url' && isPlainObject(chunk.image_url)) {
        const extraUrl = Object.keys(chunk.image_url).find((key) => key !== 'url' && key !== 'detail');
        if (extraUrl !== undefined) return [found.key, i, k, c, 'image_url', extraUrl];
      }
    }
  }
  return null;
}

function renumberCustomId(record: Json, line: Line, used: Set<string>): Splice[] | null {
  const id = record.custom_id;
  if (typeof id !== 'string') return null;
  const loc = line.at(['custom_id']);
  if (!loc) return null;
  let n = 2;
  while (used.has(`${id}-${n}`)) n++;
  const fresh = `${id}-${n}`;
  used.add(fresh);
  return [{ start: loc.valueStart, end: loc.valueEnd, text: JSON.stringify(fresh) }];
}
