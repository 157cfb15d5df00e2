/**
 * What a conversion changed and dropped, and why: one entry per kind with a count and the first few line numbers,
 * so a report on a million records stays a page long. Pure: no `vscode` import.
 */

/** Line numbers kept per entry: enough to find examples, never the whole file. */
export const EXAMPLE_LINES = 5;

export type ChangeCode =
  | 'bom-removed'
  | 'blank-line-skipped'
  | 'sharegpt-mapped'
  | 'alpaca-mapped'
  | 'csv-mapped'
  | 'pretrain-content-renamed'
  | 'interactions-renamed'
  | 'available-tools-renamed'
  | 'legacy-functions'
  | 'legacy-function-call'
  | 'legacy-function-role'
  | 'tool-call-id-remapped'
  | 'tool-call-id-added'
  | 'tool-result-linked'
  | 'tool-type-added'
  | 'tool-description-added'
  | 'tool-parameters-added'
  | 'tools-parsed'
  | 'arguments-serialized'
  | 'content-null-removed'
  | 'content-and-tool-calls-split'
  | 'content-chunks-joined'
  | 'content-serialized'
  | 'developer-role'
  | 'system-merged'
  | 'system-prompt-added'
  | 'weight-null-removed'
  | 'name-removed'
  | 'key-removed'
  | 'reasoning-removed'
  | 'trailing-turns-removed';

export type DropCode =
  | 'json-invalid'
  | 'not-object'
  | 'unrecognized-record'
  | 'preference-row'
  | 'role-unknown'
  | 'message-invalid'
  | 'tool-definition-invalid'
  | 'tool-result-without-call'
  | 'assistant-empty'
  | 'no-assistant-turn'
  | 'no-user-turn'
  | 'output-empty';

const CHANGE_TEXT: Record<ChangeCode, string> = {
  'bom-removed': 'Removed the byte order mark at the start of the file (Mistral\'s validate_data.py rejects it)',
  'blank-line-skipped': 'Skipped blank lines (Mistral\'s validate_data.py rejects them)',
  'sharegpt-mapped': 'ShareGPT "conversations" of {from, value} became "messages" of {role, content}',
  'alpaca-mapped': 'Alpaca {instruction, input, output} became a user and an assistant message',
  'csv-mapped': 'CSV rows became a user and an assistant message (and a system message where a column gives one)',
  'pretrain-content-renamed': 'Pretrain "content" renamed to "text"',
  'interactions-renamed': '"interactions" renamed to "messages"',
  'available-tools-renamed': '"available_tools" renamed to "tools"',
  'legacy-functions': 'Legacy top-level "functions" became "tools"',
  'legacy-function-call': 'Legacy assistant "function_call" became "tool_calls"',
  'legacy-function-role': 'Legacy role "function" became "tool", answering the call it follows',
  'tool-call-id-remapped': 'Tool-call ids rewritten to 9 characters of [A-Za-z0-9], the same in the call and in its tool result',
  'tool-call-id-added': 'Tool calls without an id were given one',
  'tool-result-linked': 'Tool results without a known tool_call_id were linked to the call they answer',
  'tool-type-added': 'Added "type": "function" to tool definitions and calls',
  'tool-description-added': 'Added an empty "description" to tool definitions without one (Mistral requires the key)',
  'tool-parameters-added': 'Added empty "parameters" ({}) to tool definitions without them',
  'tools-parsed': '"tools" given as a JSON string was parsed into a list',
  'arguments-serialized': 'Tool-call "arguments" given as an object (or null) became a JSON string',
  'content-null-removed': 'Removed null or empty "content" beside "tool_calls"',
  'content-and-tool-calls-split': 'An assistant message with both text and tool calls became two assistant messages: the text, then the calls',
  'content-chunks-joined': 'Text chunks of a system, assistant or tool message were joined into one string',
  'content-serialized': 'Tool results given as JSON values became JSON strings',
  'developer-role': 'Role "developer" became "system"',
  'system-merged': 'Several system messages were merged into one (Mistral allows one)',
  'system-prompt-added': 'A top-level system prompt became the first message',
  'weight-null-removed': 'Removed "weight": null',
  'name-removed': 'Removed "name" from messages where Mistral does not use it (or where it breaks the function-name pattern)',
  'key-removed': 'Removed keys Mistral does not accept',
  'reasoning-removed': 'Removed assistant reasoning ("reasoning_content"/"reasoning"): Mistral\'s fine-tuning format has no place for it',
  'trailing-turns-removed': 'Removed trailing user or tool turns so that the conversation ends with the assistant',
};

const DROP_TEXT: Record<DropCode, string> = {
  'json-invalid': 'The line is not valid JSON',
  'not-object': 'The line is not a JSON object',
  'unrecognized-record': 'The record does not have the shape of the source format',
  'preference-row': 'Preference (DPO) rows have no Mistral equivalent',
  'role-unknown': 'A message has a role (or ShareGPT "from") that has no Mistral equivalent',
  'message-invalid': 'A message is not an object with a role and content',
  'tool-definition-invalid': 'A tool definition has no function name',
  'tool-result-without-call': 'A tool result answers no earlier tool call',
  'assistant-empty': 'An assistant message has neither text nor tool calls (Mistral rejects empty assistant content)',
  'no-assistant-turn': 'No assistant message is left once trailing user or tool turns are removed',
  'no-user-turn': 'The conversation is a lone assistant message, which Mistral rejects',
  'output-empty': 'The prompt or the answer is empty',
};

export interface ReportEntry<C extends string> {
  code: C;
  /** What happened and why, in one sentence. */
  message: string;
  /** Records (or rows) affected. */
  count: number;
  /** The first few affected line numbers (1-based; for CSV, the row's first line). */
  lines: number[];
  /** For key-removed and role-unknown: which names, and how often. */
  details?: Record<string, number>;
}

export class ReportBuilder {
  private readonly changes = new Map<ChangeCode, ReportEntry<ChangeCode>>();
  private readonly drops = new Map<DropCode, ReportEntry<DropCode>>();

  /** Notes a change on a record; counting a record once per code even if it had several such changes. */
  change(code: ChangeCode, line: number, detail?: string): void {
    note(this.changes, code, CHANGE_TEXT[code], line, detail);
  }

  drop(code: DropCode, line: number, detail?: string): void {
    note(this.drops, code, DROP_TEXT[code], line, detail);
  }

  get droppedCount(): number {
    let total = 0;
    for (const entry of this.drops.values()) total += entry.count;
    return total;
  }

  entries(): { changes: ReportEntry<ChangeCode>[]; dropped: ReportEntry<DropCode>[] } {
    return { changes: [...this.changes.values()], dropped: [...this.drops.values()] };
  }
}

function note<C extends string>(map: Map<C, ReportEntry<C>>, code: C, message: string, line: number, detail: string | undefined): void {
  let entry = map.get(code);
  if (!entry) {
    entry = { code, message, count: 0, lines: [] };
    map.set(code, entry);
  }
  if (detail !== undefined) {
    entry.details ??= {};
    entry.details[detail] = (entry.details[detail] ?? 0) + 1;
  }
  if (entry.lines[entry.lines.length - 1] === line) return;
  entry.count++;
  if (entry.lines.length < EXAMPLE_LINES) entry.lines.push(line);
}
