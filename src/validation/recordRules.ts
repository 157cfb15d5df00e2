/** Which format a record is, and the rules of the pretrain and batch formats. */
import { checkInstruct } from './instructRules';
import { describeValue, hasKey, isPlainObject, countRole, type RecordReporter, type RecordTallies } from './report';
import type { IntendedPurpose, JsonlFormat } from './types';

export type RecordKind = 'instruct' | 'pretrain' | 'classifier' | 'batch';
export const RECORD_KINDS: readonly RecordKind[] = ['instruct', 'pretrain', 'classifier', 'batch'];

/** The key that identifies each kind; mixed-format diagnostics point at it. */
export const KIND_KEY: Record<RecordKind, string> = { instruct: 'messages', pretrain: 'text', classifier: 'labels', batch: 'custom_id' };

/** The key a record of this kind actually uses (an alias when the main key is absent). */
export function kindKey(kind: RecordKind, record: Record<string, unknown>): string {
  if (kind === 'instruct' && !hasKey(record, 'messages') && hasKey(record, 'interactions')) return 'interactions';
  if (kind === 'pretrain' && !hasKey(record, 'text') && hasKey(record, 'content')) return 'content';
  return KIND_KEY[kind];
}

/**
 * The format a record's keys announce, or null when it announces none. `labels` marks Classifier
 * Factory data ({"text"|"messages", "labels"}); pretrain's `content` and instruct's `interactions`
 * are mistral-finetune's aliases.
 */
export function recordKind(record: Record<string, unknown>): RecordKind | null {
  if (hasKey(record, 'labels')) return 'classifier';
  if (hasKey(record, 'messages') || hasKey(record, 'interactions')) return 'instruct';
  if (hasKey(record, 'text') || (hasKey(record, 'content') && !hasKey(record, 'role'))) return 'pretrain';
  if (hasKey(record, 'custom_id') || hasKey(record, 'body')) return 'batch';
  return null;
}

/** The kind whose rules apply to a record, given the purpose the user intends (if any). */
export function effectiveKind(kind: RecordKind | null, purpose: IntendedPurpose | undefined): RecordKind | null {
  if (purpose === 'batch') return 'batch';
  if (purpose === 'fine-tune' && kind === 'batch') return null;
  return kind;
}

export const UNRECOGNIZED_MESSAGE = 'The record is not a fine-tuning conversation {"messages": […]}, a pretrain text {"text": "…"}, classifier data {"text": "…", "labels": {…}} or a batch request {"custom_id": "…", "body": {…}}';

/** What an unrecognized record is missing once the file's format is known. */
export function missingKeyDiagnostic(format: JsonlFormat): { code: 'messages-missing' | 'text-missing' | 'body-missing'; message: string } | null {
  if (format === 'instruct') return { code: 'messages-missing', message: 'The record has no "messages" list' };
  if (format === 'pretrain') return { code: 'text-missing', message: 'The record has no "text" string' };
  if (format === 'classifier') return { code: 'text-missing', message: 'The classifier record has no "text" string or "messages" list' };
  if (format === 'batch') return { code: 'body-missing', message: 'The batch request has no "body" object' };
  return null;
}

export interface RecordOutcome {
  /** For batch records: the custom_id when it is a string, else null. */
  customId: string | null;
}

export function checkRecord(record: Record<string, unknown>, kind: RecordKind | null, r: RecordReporter, tallies: RecordTallies): RecordOutcome {
  const outcome: RecordOutcome = { customId: null };
  if (kind === 'instruct') checkInstruct(record, r, tallies);
  else if (kind === 'pretrain') checkPretrain(record, r);
  else if (kind === 'classifier') checkClassifier(record, r, tallies);
  else if (kind === 'batch') outcome.customId = checkBatch(record, r, tallies);
  else {
    const looksBatch = hasKey(record, 'custom_id') || hasKey(record, 'body');
    r.report('record-unrecognized', [], 'value', UNRECOGNIZED_MESSAGE, looksBatch ? 'This looks like a batch request; batch files are uploaded with purpose "batch"' : undefined);
  }
  return outcome;
}

function checkPretrain(record: Record<string, unknown>, r: RecordReporter): void {
  if (hasKey(record, 'text') && hasKey(record, 'content')) {
    r.report('alias-conflict', ['content'], 'key', 'Both "text" and its alias "content" are given; mistral-finetune rejects the pair', 'Keep only "text"');
  }
  const key = kindKey('pretrain', record);
  const text = record[key];
  if (typeof text !== 'string') r.report('text-not-string', [key], 'value', `"${key}" must be a string, not ${describeValue(text)}`);
}

/** Classifier Factory data (docs.mistral.ai, classifier fine-tuning): a text or a conversation, and its labels. */
function checkClassifier(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies): void {
  const labels = record.labels;
  if (!isPlainObject(labels)) {
    r.report('labels-invalid', ['labels'], 'value', `"labels" must be an object of label names to values, not ${describeValue(labels)}`, 'e.g. "labels": {"sentiment": "positive"}');
  } else {
    for (const [name, value] of Object.entries(labels)) {
      const ok = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
      if (!ok) r.report('labels-invalid', ['labels', name], 'value', `Label "${name}" must be a string, a number or a list of strings, not ${describeValue(value)}`);
    }
  }
  if (hasKey(record, 'messages') || hasKey(record, 'interactions')) {
    checkInstruct(record, r, tallies, { classifier: true });
  } else if (!hasKey(record, 'text')) {
    r.report('text-missing', [], 'value', 'The classifier record has no "text" string or "messages" list', 'A classifier record is {"text": "…", "labels": {…}} or {"messages": […], "labels": {…}}');
  } else if (typeof record.text !== 'string') {
    r.report('text-not-string', ['text'], 'value', `"text" must be a string, not ${describeValue(record.text)}`);
  }
}

function checkBatch(record: Record<string, unknown>, r: RecordReporter, tallies: RecordTallies): string | null {
  let customId: string | null = null;
  if (!hasKey(record, 'custom_id') || record.custom_id === null) {
    r.report('custom-id-missing', [], 'value', 'The request has no "custom_id"', 'Give each request a unique "custom_id" so its result can be matched to it');
  } else if (typeof record.custom_id !== 'string') {
    r.report('custom-id-not-string', ['custom_id'], 'value', `"custom_id" must be a string, not ${describeValue(record.custom_id)}`);
  } else {
    customId = record.custom_id;
  }
  const body = record.body;
  if (body === undefined) {
    const looksFineTune = hasKey(record, 'messages') || hasKey(record, 'text');
    r.report(
      'body-missing',
      [],
      'value',
      'The batch request has no "body" object',
      looksFineTune ? 'This looks like fine-tuning data; a batch line is {"custom_id": "…", "body": {"messages": […]}}' : 'A batch line is {"custom_id": "…", "body": {…the request for the endpoint…}}',
    );
  } else if (!isPlainObject(body)) {
    r.report('body-not-object', ['body'], 'value', `"body" must be an object (the request), not ${describeValue(body)}`);
  } else if (Array.isArray(body.messages)) {
    // Chat-style requests: tally their text like fine-tuning messages, for the token estimate.
    for (const message of body.messages) {
      if (!isPlainObject(message)) continue;
      if (typeof message.role === 'string') countRole(tallies, message.role);
    }
  }
  return customId;
}
