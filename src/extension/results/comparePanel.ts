/**
 * Compare Batch Results: two jobs run on the same requests, side by side by custom_id, in a webview panel. The two
 * tables and their pairing stay here; the webview asks for the rows in view and the details of one row.
 */
import * as vscode from 'vscode';
import { ResultsComparison, type CompareFilter, type CompareQuery } from '../../api/batch/compareResults';
import { jobResultSources } from '../../api/batch/join';
import { ResultsTable } from '../../api/batch/resultsTable';
import type { BatchJob } from '../../api/batch/types';
import type { Deps } from '../deps';
import { showError, withCancellableProgress } from '../shared/feedback';
import { resultsHtml } from './webviewHtml';

const MAX_PAGE = 500;
const FILTERS: readonly CompareFilter[] = ['all', 'different', 'statusChanged'];

type Message =
  | { type: 'init' }
  | { type: 'page'; requestId: number; query: unknown; offset: number; limit: number }
  | { type: 'detail'; index: number }
  | { type: 'copyId'; index: number };

function sanitize(value: unknown): CompareQuery {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  return {
    text: typeof raw.text === 'string' ? raw.text.slice(0, 500) : undefined,
    show: FILTERS.includes(raw.show as CompareFilter) ? (raw.show as CompareFilter) : 'all',
  };
}

function jobLabel(job: BatchJob): string {
  return job.model ?? job.agent_id ?? job.id;
}

/** Opens the comparison of two finished jobs. Resolves with the panel once both jobs are loaded (undefined on failure). */
export async function openComparison(deps: Deps, jobA: BatchJob, jobB: BatchJob): Promise<vscode.WebviewPanel | undefined> {
  const title = vscode.l10n.t('Compare {0} ↔ {1}', jobLabel(jobA), jobLabel(jobB));
  let tables: [ResultsTable, ResultsTable];
  try {
    tables = await withCancellableProgress({ title: vscode.l10n.t('Reading the results of two batch jobs') }, async (signal) => {
      const a = await ResultsTable.open(jobResultSources(deps.client.files, jobA), { signal });
      try {
        return [a, await ResultsTable.open(jobResultSources(deps.client.files, jobB), { signal })];
      } catch (err) {
        await a.close();
        throw err;
      }
    });
  } catch (err) {
    void showError(deps.log, err, vscode.l10n.t('Comparing batch jobs failed'));
    return undefined;
  }
  const extensionUri = deps.context.extensionUri;
  const panel = vscode.window.createWebviewPanel('mistral.batchCompare', title, vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'results'), vscode.Uri.joinPath(extensionUri, 'dist', 'codicons')],
  });
  const comparison = new ResultsComparison(tables[0], tables[1]);
  let lastOrder: { key: string; rows: Int32Array } | undefined;
  const order = (query: CompareQuery): Int32Array => {
    const key = JSON.stringify(query);
    if (lastOrder?.key !== key) lastOrder = { key, rows: comparison.query(query) };
    return lastOrder.rows;
  };
  const post = (message: unknown): void => void panel.webview.postMessage(message);
  const handle = async (message: Message): Promise<void> => {
    switch (message.type) {
      case 'init':
        post({
          type: 'ready',
          title,
          jobs: [jobA, jobB].map((job) => ({ id: job.id, label: jobLabel(job), endpoint: job.endpoint })),
          stats: comparison.stats,
        });
        return;
      case 'page': {
        const rows = order(sanitize(message.query));
        const offset = Math.max(0, Math.floor(Number(message.offset) || 0));
        const limit = Math.min(MAX_PAGE, Math.max(0, Math.floor(Number(message.limit) || 0)));
        post({ type: 'page', requestId: message.requestId, total: rows.length, offset, rows: Array.from(rows.subarray(offset, offset + limit), (index) => comparison.row(index)) });
        return;
      }
      case 'detail': {
        const index = Number(message.index);
        if (!Number.isInteger(index) || index < 0 || index >= comparison.rowCount) return;
        const [ia, ib] = comparison.sides(index);
        const [a, b] = await Promise.all([ia === -1 ? null : tables[0].detail(ia), ib === -1 ? null : tables[1].detail(ib)]);
        post({ type: 'detail', index, a, b });
        return;
      }
      case 'copyId': {
        const index = Number(message.index);
        const id = Number.isInteger(index) && index >= 0 && index < comparison.rowCount ? comparison.row(index).custom_id : null;
        if (id === null) return;
        await vscode.env.clipboard.writeText(id);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied custom_id {0}', id), 3000);
        return;
      }
    }
  };
  const subscriptions = [
    panel.webview.onDidReceiveMessage((message: Message) => void handle(message).catch((err: unknown) => showError(deps.log, err, title))),
    panel.onDidDispose(() => {
      subscriptions.forEach((subscription) => subscription.dispose());
      void Promise.all(tables.map((table) => table.close()));
    }),
  ];
  panel.webview.html = resultsHtml(panel.webview, extensionUri, title, 'compare.js');
  return panel;
}
