/**
 * One Batch Results editor: loads the joined table, answers the webview's page and detail requests, and runs its
 * actions. The webview holds only the rows in view; the table (summaries and byte ranges) stays here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../api/core/errors';
import { ResultsTable, type RowQuery, type SortKey } from '../../api/batch/resultsTable';
import type { JoinStatus } from '../../api/batch/join';
import type { BatchJob } from '../../api/batch/types';
import type { Deps } from '../deps';
import { showError, withCancellableProgress } from '../shared/feedback';
import { exportCsv, writeFailedRequests } from './resultsActions';
import { resolveSources } from './resultsSources';
import { resultsHtml } from './webviewHtml';

/** A page is at most this many rows: a screenful or two, whatever the row height. */
const MAX_PAGE = 500;
const SORT_KEYS: readonly SortKey[] = ['index', 'custom_id', 'status', 'status_code', 'tokens', 'request', 'response', 'error'];
const STATUSES: readonly JoinStatus[] = ['succeeded', 'failed', 'missing'];

type Message =
  | { type: 'init' }
  | { type: 'page'; requestId: number; query: unknown; offset: number; limit: number }
  | { type: 'detail'; index: number }
  | { type: 'copyId'; index: number }
  | { type: 'exportCsv'; query: unknown }
  | { type: 'createFailed' }
  | { type: 'joinInput' };

/** Only what the table understands, whatever the webview sends. */
export function sanitizeQuery(value: unknown): RowQuery {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const statuses = Array.isArray(raw.statuses) ? raw.statuses.filter((s): s is JoinStatus => STATUSES.includes(s as JoinStatus)) : [];
  return {
    text: typeof raw.text === 'string' ? raw.text.slice(0, 500) : undefined,
    statuses,
    error: typeof raw.error === 'string' ? raw.error : undefined,
    sort: SORT_KEYS.includes(raw.sort as SortKey) ? (raw.sort as SortKey) : 'index',
    descending: raw.descending === true,
  };
}

export class ResultsPanel implements vscode.Disposable {
  private table: ResultsTable | undefined;
  private job: BatchJob | undefined;
  private describe = '';
  private loading: Promise<void> | undefined;
  private inputOverride: vscode.Uri | undefined;
  private lastOrder: { key: string; rows: Int32Array } | undefined;
  private disposed = false;
  /** Why the last load failed, for a webview that asks after the failure was posted. */
  private failure: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: Deps, private readonly uri: vscode.Uri, private readonly panel: vscode.WebviewPanel) {
    const extensionUri = deps.context.extensionUri;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'results'), vscode.Uri.joinPath(extensionUri, 'dist', 'codicons')],
    };
    panel.webview.html = resultsHtml(panel.webview, extensionUri, this.title);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: Message) => void this.handle(message)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.loading = this.load();
  }

  private get title(): string {
    return this.uri.path.split('/').pop() ?? this.uri.path;
  }

  private async load(): Promise<void> {
    const old = this.table;
    this.table = undefined;
    this.lastOrder = undefined;
    await old?.close();
    this.failure = undefined;
    try {
      const table = await withCancellableProgress({ title: vscode.l10n.t('Opening batch results {0}', this.title), location: vscode.ProgressLocation.Window }, async (signal) => {
        const resolved = await resolveSources(this.uri, this.deps.client, this.inputOverride, signal);
        this.job = resolved.job;
        this.describe = resolved.describe;
        return ResultsTable.open(resolved.sources, { signal });
      });
      if (this.disposed) {
        await table.close();
        return;
      }
      this.table = table;
      this.deps.log.info(`Batch results ${this.title}: ${table.rowCount} rows (${JSON.stringify(table.stats)})`);
      this.postReady();
    } catch (err) {
      this.deps.log.error(`Opening batch results ${this.title} failed: ${errorMessage(err)}`);
      this.failure = vscode.l10n.t('The batch results could not be read: {0}', errorMessage(err));
      void this.panel.webview.postMessage({ type: 'failed', message: this.failure });
      void showError(this.deps.log, err, vscode.l10n.t('Opening batch results {0} failed', this.title));
    }
  }

  private postReady(): void {
    const table = this.table;
    if (!table) return;
    void this.panel.webview.postMessage({
      type: 'ready',
      title: this.title,
      job: this.job ? { id: this.job.id, endpoint: this.job.endpoint, model: this.job.model, status: this.job.status } : null,
      joinedWith: this.describe,
      hasInputs: table.hasInputs,
      local: this.uri.scheme !== 'mistral-file' || this.job === undefined,
      rowCount: table.rowCount,
      stats: table.stats,
      groups: table.errorGroups(),
    });
  }

  private async order(query: RowQuery): Promise<Int32Array> {
    const key = JSON.stringify(query);
    const table = this.table;
    if (this.lastOrder?.key !== key && table) {
      // The first text filter reads every row's summary: in batches, so the extension host stays responsive.
      await table.prepare(query);
      if (table !== this.table) return new Int32Array();
      this.lastOrder = { key, rows: table.query(query) };
    }
    return this.lastOrder?.rows ?? new Int32Array();
  }

  private async handle(message: Message): Promise<void> {
    try {
      switch (message.type) {
        case 'init':
          // The webview (re)loaded, e.g. after its tab was hidden: it gets the table it had, or the load in flight.
          await this.loading;
          if (this.failure !== undefined) void this.panel.webview.postMessage({ type: 'failed', message: this.failure });
          else this.postReady();
          return;
        case 'page': {
          if (!this.table) return;
          const rows = await this.order(sanitizeQuery(message.query));
          const offset = Math.max(0, Math.floor(Number(message.offset) || 0));
          const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(Number(message.limit) || 0)));
          const table = this.table;
          const page = Array.from(rows.subarray(offset, offset + limit), (index) => table.row(index));
          void this.panel.webview.postMessage({ type: 'page', requestId: message.requestId, total: rows.length, offset, rows: page });
          return;
        }
        case 'detail': {
          const index = this.rowIndex(message.index);
          if (index === undefined || !this.table) return;
          void this.panel.webview.postMessage({ type: 'detail', index, detail: await this.table.detail(index) });
          return;
        }
        case 'copyId': {
          const index = this.rowIndex(message.index);
          const id = index === undefined ? null : this.table?.row(index).custom_id;
          if (id === null || id === undefined) return;
          await vscode.env.clipboard.writeText(id);
          vscode.window.setStatusBarMessage(vscode.l10n.t('Copied custom_id {0}', id), 3000);
          return;
        }
        case 'exportCsv':
          if (this.table) await exportCsv(this.deps, this.table, await this.order(sanitizeQuery(message.query)), this.baseName());
          return;
        case 'createFailed':
          if (this.table) await writeFailedRequests(this.deps, this.table, this.failedFileDir(), this.baseName());
          return;
        case 'joinInput':
          await this.joinInput();
          return;
      }
    } catch (err) {
      void showError(this.deps.log, err, vscode.l10n.t('Batch results {0}', this.title));
    }
  }

  private rowIndex(value: unknown): number | undefined {
    const index = Number(value);
    return this.table && Number.isInteger(index) && index >= 0 && index < this.table.rowCount ? index : undefined;
  }

  private baseName(): string {
    return this.job?.id ?? this.title.replace(/\.jsonl?$/i, '');
  }

  /** Beside a local results file; else the first workspace folder; else undefined (a save dialog asks). */
  private failedFileDir(): string | undefined {
    if (this.uri.scheme === 'file') return path.dirname(this.uri.fsPath);
    return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
  }

  private async joinInput(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: vscode.l10n.t('Join'),
      title: vscode.l10n.t('The batch input file these results answer'),
      filters: { [vscode.l10n.t('Batch input (JSONL)')]: ['jsonl', 'json', 'txt'] },
      defaultUri: this.uri.scheme === 'file' ? vscode.Uri.file(path.dirname(this.uri.fsPath)) : undefined,
    });
    if (!picked?.[0]) return;
    this.inputOverride = picked[0];
    void this.panel.webview.postMessage({ type: 'loading' });
    this.loading = this.load();
    await this.loading;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.forEach((subscription) => subscription.dispose());
    const table = this.table;
    this.table = undefined;
    void table?.close();
  }
}
