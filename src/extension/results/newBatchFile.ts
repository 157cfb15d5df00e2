/**
 * `mistral.batch.newBatchFile(uri?, options?)`: *New Batch File…* from a CSV/TSV/JSONL of rows (a chat template on a
 * column or a template file, with a preview of the first request), a text file of prompts, or a folder of documents
 * or audio (uploaded first). The file is written beside its source, checked with the batch rules into Problems, and
 * opened, with *Create Batch Job…* offered. Options let tests and other extensions skip the questions.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  FOLDER_ENDPOINTS,
  folderFiles,
  jsonlOf,
  readRows,
  requestForFile,
  requestsFromPrompts,
  requestsFromRows,
  type BatchLine,
  type FolderEndpoint,
  type Row,
} from '../../batchBuild/build';
import type { Deps } from '../deps';
import { splitOptions, urisFromArgs } from '../shared/args';
import { showError, withCancellableProgress } from '../shared/feedback';
import { runValidation } from '../validation/runner';
import { unusedPath, writeFileAtomically } from './atomicWrite';

export interface NewBatchFileOptions {
  /** A request body with `{{column}}` placeholders (rows only). */
  template?: unknown;
  /** Column holding the custom_id; the row number when absent. */
  customIdColumn?: string;
  /** Folders: which endpoint the files are for. */
  endpoint?: FolderEndpoint;
  /** Prompts and folders: the model written into each body. */
  model?: string;
}

const KNOWN_OPTIONS: (keyof NewBatchFileOptions)[] = ['template', 'customIdColumn', 'endpoint', 'model'];

async function firstRow(file: string): Promise<Row | undefined> {
  for await (const row of readRows(file)) return row;
  return undefined;
}

/** Asks how rows become requests: a chat request on one column, or a template file; then the custom_id column. */
async function askRowTemplate(file: string): Promise<Pick<NewBatchFileOptions, 'template' | 'customIdColumn'> | undefined> {
  const row = await firstRow(file);
  if (!row) throw new Error(vscode.l10n.t('{0} has no rows.', path.basename(file)));
  const columns = Object.keys(row);
  const templateFile = vscode.l10n.t('Template file…');
  const picked = await vscode.window.showQuickPick(
    [
      ...columns.map((column) => ({ label: column, description: vscode.l10n.t('as the user message'), detail: String(row[column]).slice(0, 120) })),
      { label: templateFile, description: vscode.l10n.t('a JSON request body whose strings may hold {{column}}') },
    ],
    { title: vscode.l10n.t('New Batch File: what each request asks'), placeHolder: vscode.l10n.t('Pick the column to send as the user message, or a template') },
  );
  if (!picked) return undefined;
  let template: unknown;
  if (picked.label === templateFile) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json'] }, title: vscode.l10n.t('Request body template') });
    if (!chosen?.[0]) return undefined;
    template = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(chosen[0])).replace(/^\ufeff/, ''));
  } else {
    template = { messages: [{ role: 'user', content: `{{${picked.label}}}` }] };
  }
  const byNumber = vscode.l10n.t('Row number');
  const preview = JSON.stringify({ custom_id: '…', body: (await requestsFromRows((async function* () { yield row; })(), { template }).next()).value?.body });
  const idPick = await vscode.window.showQuickPick(
    [{ label: byNumber, description: '1, 2, 3…' }, ...columns.map((column) => ({ label: column, description: String(row[column]).slice(0, 60) }))],
    { title: vscode.l10n.t('New Batch File: custom_id of each request'), placeHolder: vscode.l10n.t('First request: {0}', preview.slice(0, 200)) },
  );
  if (!idPick) return undefined;
  return { template, customIdColumn: idPick.label === byNumber ? undefined : idPick.label };
}

async function askEndpoint(): Promise<FolderEndpoint | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('OCR'), description: '/v1/ocr', endpoint: '/v1/ocr' as const },
      { label: vscode.l10n.t('Transcription'), description: '/v1/audio/transcriptions', endpoint: '/v1/audio/transcriptions' as const },
    ],
    { title: vscode.l10n.t('New Batch File: one request per file of the folder, for') },
  );
  return picked?.endpoint;
}

export function registerNewBatchFile(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.newBatchFile', async (...args: unknown[]) => {
    const { first, second, options: given } = splitOptions<NewBatchFileOptions>(args, KNOWN_OPTIONS);
    let source: vscode.Uri | undefined = urisFromArgs(first, second)[0];
    if (!source) {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true, canSelectFolders: true, canSelectMany: false,
        title: vscode.l10n.t('New Batch File from a CSV/TSV/JSONL of rows, a .txt of prompts, or a folder of documents or audio'),
      });
      source = picked?.[0];
    }
    if (!source) return undefined;
    if (source.scheme !== 'file') {
      void vscode.window.showWarningMessage(vscode.l10n.t('New Batch File reads local files and folders; download the file first.'));
      return undefined;
    }
    const from = source.fsPath;
    try {
      const stat = await vscode.workspace.fs.stat(source);
      const options: NewBatchFileOptions = { ...given };
      let lines: (signal: AbortSignal) => AsyncIterable<BatchLine>;
      if (stat.type & vscode.FileType.Directory) {
        const endpoint = options.endpoint ?? (await askEndpoint());
        if (!endpoint) return undefined;
        const files = await folderFiles(from, endpoint);
        if (files.length === 0) {
          void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" has no files for {1} ({2}).', path.basename(from), endpoint, FOLDER_ENDPOINTS[endpoint].extensions.join(', ')));
          return undefined;
        }
        lines = (signal) => (async function* () {
          for (const file of files) {
            const uploaded = await deps.client.files.upload(file, { purpose: FOLDER_ENDPOINTS[endpoint].purpose, signal });
            yield requestForFile(endpoint, file, uploaded.id, options.model);
          }
        })();
      } else if (/\.txt$/i.test(from)) {
        lines = (signal) => requestsFromPrompts(from, { model: options.model, signal });
      } else if (/\.(csv|tsv|tab|jsonl|ndjson)$/i.test(from)) {
        const asked = options.template === undefined ? await askRowTemplate(from) : options;
        if (!asked) return undefined;
        lines = (signal) => requestsFromRows(readRows(from, signal), { template: asked.template, customIdColumn: asked.customIdColumn, signal });
      } else {
        void vscode.window.showWarningMessage(vscode.l10n.t('New Batch File takes a .csv, .tsv or .jsonl of rows, a .txt of prompts, or a folder.'));
        return undefined;
      }
      const base = path.basename(from).replace(/\.[^.]+$/, '');
      const target = unusedPath(path.dirname(from), `${base}-batch`, '.jsonl');
      const count = await withCancellableProgress({ title: vscode.l10n.t('Building a batch file from {0}', path.basename(from)) }, async (signal, progress) => {
        let n = 0;
        await writeFileAtomically(target, (async function* () {
          for await (const line of jsonlOf(lines(signal))) {
            n++;
            if (n % 100 === 0) progress.report({ message: vscode.l10n.t('{0} requests', n) });
            yield line;
          }
        })());
        return n;
      });
      const uri = vscode.Uri.file(target);
      const [validated] = await runValidation(deps, [{ uri, purpose: 'batch' }], { title: vscode.l10n.t('Checking {0}', path.basename(target)), location: vscode.ProgressLocation.Window });
      await vscode.window.showTextDocument(uri, { preview: false });
      const errors = validated?.result.summary.errors ?? 0;
      const create = vscode.l10n.t('Create Batch Job…');
      const actions = errors === 0 && (await vscode.commands.getCommands(true)).includes('mistral.batch.create') ? [create] : [];
      const message = errors === 0
        ? vscode.l10n.t('{0} requests written to {1}.', count, path.basename(target))
        : vscode.l10n.t('{0} requests written to {1}, with {2} problems to fix (see Problems).', count, path.basename(target), errors);
      void vscode.window.showInformationMessage(message, ...actions).then((choice) => (choice === create ? vscode.commands.executeCommand('mistral.batch.create', uri) : undefined));
      return uri;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Building a batch file from {0} failed', path.basename(from)));
      return undefined;
    }
  });
}
