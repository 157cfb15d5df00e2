import * as vscode from 'vscode';
import { displayLabel } from '../../../util/displayText';
import type { BatchJob } from '../../../api/batch/types';
import { formatRelativeTime, formatTimestamp } from '../../../util/format';
import { isActiveJob } from './batchJobsModel';

export const BATCH_JOBS_VIEW_ID = 'mistral.batchJobs';

export interface JobNode {
  readonly kind: 'job';
  /** Replaced in place when a poll brings news, so the node (and a pending reveal) stays valid. */
  job: BatchJob;
}
export interface JobsLoadMoreNode {
  readonly kind: 'loadMore';
}
export type BatchTreeNode = JobNode | JobsLoadMoreNode;

/** The codicon of a status; unknown statuses spin, since the model treats them as still running. */
export function statusIcon(status: string): string {
  switch (status) {
    case 'SUCCESS':
      return 'pass';
    case 'FAILED':
      return 'error';
    case 'CANCELLED':
      return 'circle-slash';
    case 'TIMEOUT_EXCEEDED':
      return 'watch';
    default:
      return 'sync~spin';
  }
}

function statusColor(status: string): vscode.ThemeColor | undefined {
  if (status === 'SUCCESS') return new vscode.ThemeColor('testing.iconPassed');
  if (status === 'FAILED' || status === 'TIMEOUT_EXCEEDED') return new vscode.ThemeColor('list.errorForeground');
  return undefined;
}

/** "37/100 · 2 failed"; before the service has counted the inputs, only the status. */
export function progressText(job: BatchJob): string {
  if (job.total_requests <= 0) return '';
  const done = `${job.completed_requests}/${job.total_requests}`;
  return job.failed_requests > 0 ? vscode.l10n.t('{0} · {1} failed', done, job.failed_requests) : done;
}

/** endpoint · progress · age, e.g. "/v1/chat/completions · 37/100 · 2 failed · 5 minutes ago". */
export function jobDescription(job: BatchJob, nowMs = Date.now()): string {
  const parts = [job.endpoint, progressText(job)];
  if (Number.isFinite(job.created_at)) parts.push(formatRelativeTime(job.created_at, nowMs));
  return parts.filter((part) => part !== '').join(' · ');
}

/** `mistralBatchJob.<state>[.input][.results][.errors]`, so menus can offer only what applies. */
export function jobContextValue(job: BatchJob): string {
  let value = `mistralBatchJob.${isActiveJob(job) ? 'active' : 'done'}`;
  if (job.input_files.length > 0) value += '.input';
  if (job.output_file) value += '.results';
  if (job.error_file) value += '.errors';
  return value;
}

function markdownEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (ch) => `\\${ch}`);
}

function row(name: string, value: string | number | null | undefined, code = false): string {
  const shown = value === null || value === undefined || value === '' ? '—' : code ? `\`${String(value).replace(/`/g, "'")}\`` : markdownEscape(String(value));
  return `| ${name} | ${shown} |`;
}

function time(seconds: number | null, nowMs: number): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? `${formatTimestamp(seconds)} (${formatRelativeTime(seconds, nowMs)})` : undefined;
}

/** Every field of the job in a Markdown table. */
export function jobTooltip(job: BatchJob, nowMs = Date.now()): vscode.MarkdownString {
  const lines = [
    `**${markdownEscape(job.model ?? job.agent_id ?? job.id)}** — ${markdownEscape(job.status)}`,
    '',
    '| | |',
    '|---|---|',
    row(vscode.l10n.t('ID'), job.id, true),
    row(vscode.l10n.t('Status'), job.status),
    row(vscode.l10n.t('Endpoint'), job.endpoint, true),
    row(vscode.l10n.t('Model'), job.model),
    row(vscode.l10n.t('Agent'), job.agent_id),
    row(vscode.l10n.t('Requests'), job.total_requests),
    row(vscode.l10n.t('Completed'), job.completed_requests),
    row(vscode.l10n.t('Succeeded'), job.succeeded_requests),
    row(vscode.l10n.t('Failed'), job.failed_requests),
    row(vscode.l10n.t('Input files'), job.input_files.join(', '), job.input_files.length > 0),
    row(vscode.l10n.t('Results file'), job.output_file, true),
    row(vscode.l10n.t('Errors file'), job.error_file, true),
    row(vscode.l10n.t('Created'), time(job.created_at, nowMs)),
    row(vscode.l10n.t('Started'), time(job.started_at, nowMs)),
    row(vscode.l10n.t('Completed at'), time(job.completed_at, nowMs)),
    row(vscode.l10n.t('Metadata'), job.metadata && Object.keys(job.metadata).length > 0 ? JSON.stringify(job.metadata) : undefined, true),
  ];
  if (job.errors.length > 0) {
    lines.push('', `**${vscode.l10n.t('Errors')}**`, '');
    for (const error of job.errors.slice(0, 10)) lines.push(`- ${markdownEscape(error.message)} (×${error.count})`);
  }
  const markdown = new vscode.MarkdownString(lines.join('\n'), true);
  markdown.supportHtml = false;
  return markdown;
}

export function jobTreeItem(job: BatchJob): vscode.TreeItem {
  const item = new vscode.TreeItem(displayLabel(job.model ?? job.agent_id ?? job.id), vscode.TreeItemCollapsibleState.None);
  item.id = `batchJob:${job.id}`;
  item.description = jobDescription(job);
  item.tooltip = jobTooltip(job);
  item.iconPath = new vscode.ThemeIcon(statusIcon(job.status), statusColor(job.status));
  item.contextValue = jobContextValue(job);
  item.accessibilityInformation = { label: `${item.label as string}, ${job.status}, ${item.description}` };
  return item;
}

export function jobsLoadMoreTreeItem(shown: number, total: number | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
  item.id = 'batchJobs:loadMore';
  item.description = total !== undefined ? vscode.l10n.t('{0} of {1} shown', shown, total) : vscode.l10n.t('{0} shown', shown);
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'mistralBatchLoadMore';
  item.command = { command: 'mistral.batch.loadMore', title: vscode.l10n.t('Load More') };
  return item;
}
