import * as vscode from 'vscode';
import type { BatchJob } from '../../api/batch/types';
import type { MistralFile } from '../../api/files/types';
import type { Deps } from '../deps';
import { showError } from '../shared/feedback';
import { isMistralFile } from '../shared/fileArgs';
import { previewUri } from '../files/preview/previewUri';
import { RESULTS_VIEW_TYPE } from './resultsEditor';

function isJob(value: unknown): value is BatchJob {
  return typeof value === 'object' && value !== null && typeof (value as BatchJob).id === 'string' && typeof (value as BatchJob).endpoint === 'string';
}

type Target = { job: BatchJob | string } | { file: MistralFile } | { uri: vscode.Uri };

/** A job (object, `{ job }` view node or id), a file (MistralFile or `{ file }` node) or a Uri. */
export function targetOf(arg: unknown): Target | undefined {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (typeof arg === 'string' && arg.trim() !== '') return { job: arg.trim() };
  if (isJob(arg)) return { job: arg };
  if (isMistralFile(arg)) return { file: arg };
  if (typeof arg === 'object' && arg !== null) {
    const inner = arg as { job?: unknown; file?: unknown };
    if (isJob(inner.job)) return { job: inner.job };
    if (isMistralFile(inner.file)) return { file: inner.file };
  }
  return undefined;
}

/** The viewer URI of a job's results: its output file (else its error file), naming the job so it need not be looked up. */
async function jobUri(deps: Deps, target: BatchJob | string): Promise<vscode.Uri | undefined> {
  let job = typeof target === 'string' ? undefined : target;
  if (!job || (!job.output_file && !job.error_file)) job = await deps.client.batch.get(typeof target === 'string' ? target : target.id);
  const fileId = job.output_file ?? job.error_file;
  if (!fileId) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Batch job {0} has no results yet ({1}).', job.id, job.status));
    return undefined;
  }
  const file = await deps.client.files.retrieve(fileId).catch(() => ({ id: fileId, filename: `${job.id}.jsonl` }));
  return previewUri(file).with({ query: `job=${encodeURIComponent(job.id)}` });
}

async function pickJob(deps: Deps): Promise<BatchJob | undefined> {
  const selected = deps.batchJobs.selectedJobs().find((job) => job.output_file || job.error_file);
  if (selected) return selected;
  const list = await deps.client.batch.list({ pageSize: 100 });
  const finished = list.data.filter((job) => job.output_file || job.error_file);
  if (finished.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No batch job has results yet.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    finished.map((job) => ({ label: job.id, description: `${job.status} · ${job.model ?? job.agent_id ?? ''} · ${job.endpoint}`, job })),
    { title: vscode.l10n.t('View Results of Batch Job'), placeHolder: vscode.l10n.t('Pick a finished batch job') },
  );
  return picked?.job;
}

/**
 * `mistral.batch.viewResults(job | jobId | file | uri)`: opens the Batch Results viewer, joined with the job's
 * requests. With no argument: the Batch Jobs view's selection, else a pick of finished jobs. Resolves with the URI.
 */
export function registerViewResults(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.viewResults', async (arg?: unknown) => {
    let target = targetOf(arg);
    try {
      if (!target) {
        const job = await pickJob(deps);
        if (!job) return undefined;
        target = { job };
      }
      const uri = 'uri' in target ? target.uri : 'file' in target ? previewUri(target.file) : await jobUri(deps, target.job);
      if (!uri) return undefined;
      await vscode.commands.executeCommand('vscode.openWith', uri, RESULTS_VIEW_TYPE);
      return uri;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Opening batch results failed'), { retry: () => vscode.commands.executeCommand('mistral.batch.viewResults', arg) });
      return undefined;
    }
  });
}
