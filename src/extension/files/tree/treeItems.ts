import * as vscode from 'vscode';
import { displayLabel } from '../../../util/displayText';
import type { MistralFile } from '../../../api/files/types';
import { isKnownPurpose, purposeIcon, purposeOfExtension, purposeLabel, purposeTooltip } from '../../shared/purposes';
import { formatBytes, formatRelativeTime, formatTimestamp } from '../../../util/format';
import { previewUri } from '../preview/previewUri';
import type { PurposeGroup } from './filesModel';
import type { FileSortOrder } from './sortOrder';

export interface GroupNode {
  readonly kind: 'group';
  readonly purpose: string;
}
export interface FileNode {
  readonly kind: 'file';
  readonly purpose: string;
  /** Replaced in place when a reload brings newer metadata, so the node object (and a pending reveal) stays valid. */
  file: MistralFile;
}
export interface LoadMoreNode {
  readonly kind: 'loadMore';
  readonly purpose: string;
}
/** A row that says something about a group: empty, or its last load failed (click retries). */
export interface MessageNode {
  readonly kind: 'message';
  readonly purpose: string;
  readonly text: string;
  readonly detail?: string;
  readonly isError: boolean;
  /** What clicking an error row repeats: the failed next page, or (by default) the group's reload. */
  readonly retry?: 'loadMore' | 'reload';
}
export type TreeNode = GroupNode | FileNode | LoadMoreNode | MessageNode;

function countText(group: PurposeGroup): string {
  if (group.total !== undefined) return group.total === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', group.total);
  const shown = group.files.length;
  if (group.hasMore) return vscode.l10n.t('{0}+ files', shown);
  return shown === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', shown);
}

function sortText(order: FileSortOrder): string | undefined {
  if (order === 'name') return vscode.l10n.t('by name');
  if (order === 'size') return vscode.l10n.t('by size');
  return undefined;
}

export function groupTreeItem(group: PurposeGroup | undefined, purpose: string, order: FileSortOrder = 'date', filtered = false): vscode.TreeItem {
  // Groups with files open on first sight (their first page is loaded anyway); VS Code remembers the user's choice.
  // While a filter is on, a group with no match has nothing to open: its "0 files" says it all.
  const emptyMatch = filtered && group !== undefined && group.files.length === 0 && !group.hasMore && group.error === undefined;
  const state = emptyMatch
    ? vscode.TreeItemCollapsibleState.None
    : group && group.files.length > 0
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(purposeLabel(purpose, vscode.l10n), state);
  item.id = `group:${purpose}`;
  item.description = group ? [countText(group), sortText(order)].filter(Boolean).join(' · ') : undefined;
  item.tooltip = purposeTooltip(purpose, vscode.l10n);
  item.iconPath = new vscode.ThemeIcon(purposeIcon(purpose));
  // Only the purposes the upload endpoint accepts offer "Upload to this purpose" (menus match /^mistralPurpose\.upload/).
  item.contextValue = isKnownPurpose(purpose) ? 'mistralPurpose.upload' : 'mistralPurpose';
  return item;
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot <= 0 ? '' : filename.slice(dot + 1).toLowerCase();
}

const IMAGE_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'svg', 'avif', 'heic']);

/** The codicon for a file's type, from its name first and its mimetype second. */
export function fileIconId(file: Pick<MistralFile, 'filename' | 'mimetype'>): string {
  const ext = extensionOf(file.filename);
  const mime = (file.mimetype ?? '').toLowerCase();
  if (ext === 'jsonl' || ext === 'json' || mime.includes('json')) return 'json';
  if (ext === 'pdf' || mime === 'application/pdf') return 'file-pdf';
  if (IMAGE_EXTENSIONS.has(ext) || mime.startsWith('image/')) return 'file-media';
  if (purposeOfExtension(ext) === 'audio' || mime.startsWith('audio/')) return 'file-media';
  if (ext === 'zip' || ext === 'gz' || ext === 'tar' || mime.includes('zip')) return 'file-zip';
  if (ext === 'csv' || ext === 'tsv') return 'table';
  if (ext === 'md' || ext === 'markdown') return 'markdown';
  if (ext === 'txt' || mime.startsWith('text/')) return 'file-text';
  if (ext === 'docx' || ext === 'doc' || ext === 'pptx' || ext === 'odt') return 'file-text';
  return 'file';
}

/**
 * `mistralFile` plus the type, so menus can match `/^mistralFile/` or narrow to `/^mistralFile\.jsonl/`; batch request
 * files (not the results Mistral wrote) end in `.batchInput`, which offers Create Batch Job….
 */
export function fileContextValue(file: MistralFile): string {
  const ext = extensionOf(file.filename);
  const base = /^[a-z0-9]{1,10}$/.test(ext) ? `mistralFile.${ext}` : 'mistralFile';
  const batchInput = file.purpose === 'batch' && file.source !== 'mistral' && file.sample_type !== 'batch_result' && file.sample_type !== 'batch_error';
  return batchInput ? `${base}.batchInput` : base;
}

function markdownEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (ch) => `\\${ch}`);
}

function tooltipRow(name: string, value: string | number | null | undefined, code = false): string {
  const shown = value === null || value === undefined || value === '' ? '—' : code ? `\`${String(value).replace(/`/g, "'")}\`` : markdownEscape(String(value));
  return `| ${name} | ${shown} |`;
}

/** Every metadata field the service returned, in a Markdown table. */
export function fileTooltip(file: MistralFile, nowMs = Date.now()): vscode.MarkdownString {
  const bytes = file.bytes == null ? undefined : `${formatBytes(file.bytes)} (${file.bytes.toLocaleString('en-US')} bytes)`;
  const created = Number.isFinite(file.created_at)
    ? `${formatTimestamp(file.created_at)} (${formatRelativeTime(file.created_at, nowMs)})`
    : undefined;
  const expires = typeof file.expires_at === 'number' ? `${formatTimestamp(file.expires_at)} (${formatRelativeTime(file.expires_at, nowMs)})` : undefined;
  const lines = [
    `**${markdownEscape(file.filename)}**`,
    '',
    `| | |`,
    `|---|---|`,
    tooltipRow(vscode.l10n.t('ID'), file.id, true),
    tooltipRow(vscode.l10n.t('Size'), bytes),
    tooltipRow(vscode.l10n.t('Created'), created),
    tooltipRow(vscode.l10n.t('Purpose'), file.purpose),
    tooltipRow(vscode.l10n.t('Sample type'), file.sample_type),
    tooltipRow(vscode.l10n.t('Source'), file.source),
    tooltipRow(vscode.l10n.t('Lines'), typeof file.num_lines === 'number' ? file.num_lines.toLocaleString('en-US') : undefined),
    tooltipRow(vscode.l10n.t('MIME type'), file.mimetype),
    tooltipRow(vscode.l10n.t('Signature'), file.signature, true),
    tooltipRow(vscode.l10n.t('Visibility'), file.visibility),
    tooltipRow(vscode.l10n.t('Expires'), expires ?? (file.expires_at === undefined ? undefined : vscode.l10n.t('never'))),
  ];
  if (file.source === 'mistral') lines.push('', vscode.l10n.t('$(sparkle) Created by Mistral (for example a batch job output).'));
  const markdown = new vscode.MarkdownString(lines.join('\n'), true);
  markdown.supportHtml = false;
  return markdown;
}

export function fileDescription(file: MistralFile, nowMs = Date.now()): string {
  const parts = [formatBytes(file.bytes)];
  if (Number.isFinite(file.created_at)) parts.push(formatRelativeTime(file.created_at, nowMs));
  if (typeof file.expires_at === 'number') parts.push(vscode.l10n.t('expires {0}', formatRelativeTime(file.expires_at, nowMs)));
  return parts.join(' · ');
}

/**
 * Batch outputs are named `<job id>.jsonl` and `<job id>_error.jsonl`, which look the same once the view cuts them:
 * they are labelled by role, with the raw name first in the description.
 */
export function batchOutputLabel(file: Pick<MistralFile, 'filename' | 'sample_type'>): string | undefined {
  if (file.sample_type !== 'batch_result' && file.sample_type !== 'batch_error') return undefined;
  const job = /^([0-9a-f]{8})[0-9a-f-]*?(?:_error)?\.jsonl$/i.exec(file.filename)?.[1];
  if (file.sample_type === 'batch_error') return job ? vscode.l10n.t('Errors of job {0}…', job) : vscode.l10n.t('Batch errors');
  return job ? vscode.l10n.t('Results of job {0}…', job) : vscode.l10n.t('Batch results');
}

export function fileTreeItem(file: MistralFile): vscode.TreeItem {
  const roleLabel = batchOutputLabel(file);
  const item = new vscode.TreeItem(displayLabel(roleLabel ?? (file.filename || file.id)), vscode.TreeItemCollapsibleState.None);
  item.id = file.id;
  item.description = roleLabel ? `${file.filename} · ${fileDescription(file)}` : fileDescription(file);
  item.tooltip = fileTooltip(file);
  // Files Mistral wrote (batch results and errors) stand out from the user's own uploads.
  const color =
    file.sample_type === 'batch_error'
      ? new vscode.ThemeColor('list.errorForeground')
      : file.source === 'mistral'
        ? new vscode.ThemeColor('charts.orange')
        : undefined;
  item.iconPath = new vscode.ThemeIcon(fileIconId(file), color);
  item.contextValue = fileContextValue(file);
  item.resourceUri = previewUri(file);
  item.command = { command: 'mistral.openFile', title: vscode.l10n.t('Open Preview'), arguments: [file] };
  item.accessibilityInformation = { label: `${roleLabel ? `${roleLabel}, ` : ''}${file.filename}, ${fileDescription(file)}` };
  return item;
}

export function loadMoreTreeItem(group: PurposeGroup | undefined, purpose: string, order: FileSortOrder = 'date'): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
  item.id = `loadMore:${purpose}`;
  if (group) {
    item.description =
      group.total !== undefined
        ? vscode.l10n.t('{0} of {1} shown', group.files.length, group.total)
        : vscode.l10n.t('{0} shown', group.files.length);
    // The service lists newest first only: another order is an order of the loaded files, and says so.
    if (order !== 'date') item.description += ` · ${vscode.l10n.t('sorted among loaded files')}`;
  }
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'mistralLoadMore';
  item.command = { command: 'mistral.loadMore', title: vscode.l10n.t('Load More'), arguments: [purpose] };
  return item;
}

export function messageTreeItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
  item.id = `message:${node.purpose}`;
  item.tooltip = node.detail ?? node.text;
  item.iconPath = new vscode.ThemeIcon(node.isError ? 'error' : 'info', node.isError ? new vscode.ThemeColor('list.errorForeground') : undefined);
  item.contextValue = node.isError ? 'mistralError' : 'mistralEmpty';
  if (node.isError) {
    const command = node.retry === 'loadMore' ? 'mistral.loadMore' : 'mistral.refresh';
    item.command = { command, title: vscode.l10n.t('Retry'), arguments: [node.purpose] };
  }
  return item;
}
