import * as vscode from 'vscode';
import type { BatchJob } from '../../api/batch/types';
import type { Deps } from '../deps';
import { showError } from '../shared/feedback';
import { openComparison } from './comparePanel';
import { targetOf } from './viewResults';

interface JobItem extends vscode.QuickPickItem {
  job: BatchJob;
}

function sameInput(a: BatchJob, b: BatchJob): boolean {
  return a.input_files.length > 0 && a.input_files.length === b.input_files.length && a.input_files.every((id, i) => b.input_files[i] === id);
}

async function pick(jobs: BatchJob[], title: string, first?: BatchJob): Promise<BatchJob | undefined> {
  // Jobs run on the same input files as the first one are the likely pair: listed first.
  const candidates = first ? [...jobs.filter((job) => job.id !== first.id && sameInput(job, first)), ...jobs.filter((job) => job.id !== first.id && !sameInput(job, first))] : jobs;
  const items: JobItem[] = candidates.map((job) => ({
    label: job.id,
    description: `${job.model ?? job.agent_id ?? ''} · ${job.endpoint} · ${job.status}`,
    detail: first && sameInput(job, first) ? vscode.l10n.t('Same input files') : undefined,
    job,
  }));
  return (await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a finished batch job') }))?.job;
}

async function resolveJob(deps: Deps, arg: unknown): Promise<BatchJob | undefined> {
  const target = targetOf(arg);
  if (!target || !('job' in target)) return undefined;
  return typeof target.job === 'string' || (!target.job.output_file && !target.job.error_file) ? deps.client.batch.get(typeof target.job === 'string' ? target.job : target.job.id) : target.job;
}

/**
 * `mistral.batch.compareResults(jobA?, jobB?)`: two jobs (objects, view nodes or ids) side by side by custom_id; the
 * missing ones are picked, the second among jobs on the same input first. Resolves with the panel.
 */
export function registerCompareResults(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.batch.compareResults', async (first?: unknown, second?: unknown) => {
    try {
      // A multi-selection in the Batch Jobs view arrives as (clicked, selected[]).
      const selected = Array.isArray(second) && second.length === 2 ? second : undefined;
      let a = await resolveJob(deps, selected ? selected[0] : first);
      let b = await resolveJob(deps, selected ? selected[1] : second);
      if (!a || !b) {
        const jobs = (await deps.client.batch.list({ pageSize: 100 })).data.filter((job) => job.output_file || job.error_file);
        if (jobs.length < 2) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Comparing needs two batch jobs with results.'));
          return undefined;
        }
        a ??= await pick(jobs, vscode.l10n.t('Compare Batch Results: first job'));
        if (!a) return undefined;
        b ??= await pick(jobs, vscode.l10n.t('Compare Batch Results: second job'), a);
        if (!b) return undefined;
      }
      return await openComparison(deps, a, b);
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Comparing batch jobs failed'));
      return undefined;
    }
  });
}
