/**
 * One line of the Conversations view's record list: what a chat record is about (its first user message on one line)
 * and how long it is, read from a parsed fine-tuning record (`messages`) or batch chat request (`body.messages`).
 */

export interface RecordSummary {
  /** The first user message's text, whitespace collapsed, cut to PREVIEW_CHARS; '' when there is none. */
  preview: string;
  /** Messages in the conversation, system prompt included; 0 when the record is not a chat. */
  turns: number;
}

/** Enough for the widest list a screen shows: the row cuts it with an ellipsis anyway. */
export const PREVIEW_CHARS = 160;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((chunk: unknown) => (typeof chunk === 'string' ? chunk : typeof (chunk as { text?: unknown } | null)?.text === 'string' ? (chunk as { text: string }).text : ''))
    .filter((text) => text !== '')
    .join(' ');
}

export function summarizeRecord(value: unknown): RecordSummary {
  const record = value as { messages?: unknown; body?: { messages?: unknown } } | null | undefined;
  const messages = Array.isArray(record?.messages) ? (record.messages as unknown[]) : Array.isArray(record?.body?.messages) ? (record.body.messages as unknown[]) : undefined;
  if (!messages) return { preview: '', turns: 0 };
  const user = messages.find((message) => (message as { role?: unknown } | null)?.role === 'user') as { content?: unknown } | undefined;
  // Cut before collapsing so a huge pasted document costs no more than its first few thousand characters.
  const preview = textOf(user?.content).slice(0, PREVIEW_CHARS * 8).replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
  return { preview, turns: messages.length };
}
