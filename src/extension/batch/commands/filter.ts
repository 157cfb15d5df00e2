import * as vscode from 'vscode';
import { KNOWN_BATCH_STATUSES } from '../../../api/batch/types';
import type { Deps } from '../../deps';
import { asOptions } from '../../shared/args';

/** `mistral.batch.filter({ statuses })` sets the filter without asking (tests, other extensions). */
export interface BatchFilterOptions {
  statuses?: string[];
}

const ACTIVE = ['QUEUED', 'RUNNING', 'CANCELLATION_REQUESTED'];

/**
 * `mistral.batch.filter`: the Batch Jobs view lists only the statuses picked (the service filters, so paging and
 * polling stay one call each); `mistral.batch.clearFilter` lists every job again. Both resolve with the filter.
 */
export function registerBatchFilter(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mistral.batch.filter', async (arg?: unknown) => {
      const options = asOptions<BatchFilterOptions>(arg, ['statuses']);
      let statuses = options?.statuses;
      if (!statuses) {
        const current = new Set(deps.batchJobs.statusFilter);
        const items = KNOWN_BATCH_STATUSES.map((status) => ({
          label: status,
          description: ACTIVE.includes(status) ? vscode.l10n.t('active') : undefined,
          picked: current.has(status),
        }));
        const picked = await vscode.window.showQuickPick(items, {
          title: vscode.l10n.t('Show Batch Jobs by Status'),
          placeHolder: vscode.l10n.t('The statuses to list; none selected lists every job'),
          canPickMany: true,
        });
        if (!picked) return deps.batchJobs.statusFilter;
        statuses = picked.map((item) => item.label);
      }
      deps.batchJobs.setStatusFilter(statuses);
      await deps.batchJobs.whenLoaded();
      return deps.batchJobs.statusFilter;
    }),
    vscode.commands.registerCommand('mistral.batch.clearFilter', async () => {
      deps.batchJobs.setStatusFilter([]);
      await deps.batchJobs.whenLoaded();
      return deps.batchJobs.statusFilter;
    }),
  );
}
