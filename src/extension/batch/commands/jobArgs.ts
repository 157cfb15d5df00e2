import * as vscode from 'vscode';
import { isTerminalStatus, type BatchJob } from '../../../api/batch/types';
import { formatRelativeTime } from '../../../util/format';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { selectionFromArgs } from '../../shared/fileArgs';

/** True for anything shaped like a Batch API job object. */
export function isBatchJob(value: unknown): value is BatchJob {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BatchJob).id === 'string' &&
    typeof (value as BatchJob).status === 'string' &&
    typeof (value as BatchJob).endpoint === 'string'
  );
}

/** One argument as a job or job id: a view node (`{ kind: 'job', job }`), a BatchJob, or an id string. */
export function jobOrIdFromArg(arg: unknown): BatchJob | string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  if (isBatchJob(arg)) return arg;
  if (typeof arg === 'object' && arg !== null && isBatchJob((arg as { job?: unknown }).job)) return (arg as { job: BatchJob }).job;
  return undefined;
}

/** Jobs or bare ids from tree-command arguments (see selectionFromArgs). */
export function jobsOrIdsFromArgs(first: unknown, second: unknown): Array<BatchJob | string> {
  return selectionFromArgs(first, second, jobOrIdFromArg);
}

export function jobIdOf(job: BatchJob | string): string {
  return typeof job === 'string' ? job : job.id;
}

export function jobNameOf(job: BatchJob | string): string {
  return typeof job === 'string' ? job : (job.model ?? job.agent_id ?? job.id);
}

interface JobItem extends vscode.QuickPickItem {
  job: BatchJob;
}

/**
 * The jobs a palette command acts on: the view's selection when there is one, else a QuickPick over the newest jobs
 * (only the active ones when `activeOnly`). Empty when dismissed or when there is nothing to pick.
 */
export async function selectedOrPickedJobs(
  deps: Deps,
  options: { title: string; activeOnly?: boolean; canPickMany?: boolean },
): Promise<Array<BatchJob | string>> {
  const selected = deps.batchJobs.selectedJobs().filter((job) => !options.activeOnly || !isTerminalStatus(job.status));
  if (selected.length > 0) return options.canPickMany ? selected : selected.slice(0, 1);
  let jobs: BatchJob[];
  try {
    const list = await deps.client.batch.list({
      page: 0,
      pageSize: 100,
      orderBy: '-created',
      status: options.activeOnly ? ['QUEUED', 'RUNNING'] : undefined,
    });
    jobs = list.data;
  } catch (err) {
    void showError(deps.log, err, vscode.l10n.t('Could not list batch jobs'));
    return [];
  }
  if (jobs.length === 0) {
    void vscode.window.showInformationMessage(
      options.activeOnly ? vscode.l10n.t('No batch job is running.') : vscode.l10n.t('There are no batch jobs.'),
    );
    return [];
  }
  const items: JobItem[] = jobs.map((job) => ({
    label: jobNameOf(job),
    description: `${job.status} · ${job.endpoint} · ${formatRelativeTime(job.created_at)}`,
    detail: job.id,
    job,
  }));
  if (options.canPickMany) {
    const picked = await vscode.window.showQuickPick(items, { title: options.title, canPickMany: true, matchOnDetail: true, matchOnDescription: true });
    return picked?.map((item) => item.job) ?? [];
  }
  const picked = await vscode.window.showQuickPick(items, { title: options.title, matchOnDetail: true, matchOnDescription: true });
  return picked ? [picked.job] : [];
}
