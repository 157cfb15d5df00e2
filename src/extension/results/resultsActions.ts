/** The Batch Results editor's actions that write files: Create Batch from Failed Requests and Export CSV. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ResultsTable } from '../../api/batch/resultsTable';
import { abortedError } from '../../api/core/errorMapping';
import { csvLine } from '../../util/csv';
import type { Deps } from '../deps';
import { withCancellableProgress } from '../shared/feedback';
import { unusedPath, writeFileAtomically } from './atomicWrite';

const CSV_COLUMNS = ['custom_id', 'status', 'status_code', 'request', 'response', 'tokens', 'error'] as const;

/**
 * Writes the input lines of every failed or missing request, byte for byte, to a new `<name>-failed.jsonl` beside the
 * results (or in the workspace), opens it, and offers *Create Batch Job…* on it.
 */
export async function writeFailedRequests(deps: Deps, table: ResultsTable, dir: string | undefined, baseName: string): Promise<vscode.Uri | undefined> {
  if (!table.hasInputs) {
    void vscode.window.showWarningMessage(vscode.l10n.t('These results are not joined with their requests, so the failed requests cannot be rebuilt. Open them from their batch job, or use Join Input File… first.'));
    return undefined;
  }
  const rows = table.unsuccessfulRows();
  if (rows.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Every request succeeded: there is nothing to send again.'));
    return undefined;
  }
  let target: string;
  if (dir !== undefined) target = unusedPath(dir, `${baseName}-failed`, '.jsonl');
  else {
    const picked = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Save the failed requests as a new batch file'),
      defaultUri: vscode.Uri.file(path.join(process.env.HOME ?? '', `${baseName}-failed.jsonl`)),
      filters: { JSONL: ['jsonl'] },
    });
    if (!picked) return undefined;
    target = picked.fsPath;
  }
  await withCancellableProgress({ title: vscode.l10n.t('Writing {0} failed requests', rows.length) }, async (signal) => {
    await writeFileAtomically(target, (async function* () {
      for (const index of rows) {
        if (signal.aborted) throw abortedError('write batch results');
        const line = await table.inputLine(index);
        if (line) yield Buffer.concat([line, Buffer.from('\n')]);
      }
    })());
  });
  const uri = vscode.Uri.file(target);
  deps.log.info(`Wrote ${rows.length} failed requests to ${target}`);
  await vscode.window.showTextDocument(uri, { preview: false });
  const commands = await vscode.commands.getCommands(true);
  const create = vscode.l10n.t('Create Batch Job…');
  const actions = commands.includes('mistral.batch.create') ? [create] : [];
  void vscode.window
    .showInformationMessage(vscode.l10n.t('{0} failed requests written to {1}, ready for a new batch job.', rows.length, path.basename(target)), ...actions)
    .then((choice) => (choice === create ? vscode.commands.executeCommand('mistral.batch.create', uri) : undefined));
  return uri;
}

/** The rows as filtered and sorted in the editor, as CSV (one line summaries; the full bodies stay in the JSONL). */
export async function exportCsv(deps: Deps, table: ResultsTable, order: Int32Array, baseName: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
  const picked = await vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export {0} rows as CSV', order.length),
    defaultUri: folder ? vscode.Uri.joinPath(folder, `${baseName}.csv`) : undefined,
    filters: { CSV: ['csv'] },
  });
  if (!picked) return undefined;
  if (picked.scheme !== 'file') throw new Error(vscode.l10n.t('CSV can only be saved to a local file.'));
  await withCancellableProgress({ title: vscode.l10n.t('Exporting {0} rows as CSV', order.length) }, async (signal) => {
    await writeFileAtomically(picked.fsPath, (function* () {
      // A BOM so spreadsheet programs read the UTF-8 text as such.
      yield `\ufeff${csvLine(CSV_COLUMNS)}`;
      for (let i = 0; i < order.length; i++) {
        if ((i & 1023) === 0 && signal.aborted) throw abortedError('write batch results');
        const row = table.row(order[i]);
        yield csvLine(CSV_COLUMNS.map((column) => row[column]));
      }
    })());
  });
  deps.log.info(`Exported ${order.length} rows to ${picked.fsPath}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} rows to {1}.', order.length, path.basename(picked.fsPath)));
  return picked;
}
