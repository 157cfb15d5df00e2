import * as vscode from 'vscode';
import { KNOWN_SAMPLE_TYPES, KNOWN_SOURCES } from '../../../api/files/types';
import type { Deps } from '../../deps';
import type { FileFilter } from '../tree/filesModel';
import { normalizeFilter } from '../tree/filterState';

interface FilterItem extends vscode.QuickPickItem {
  field: 'sampleTypes' | 'sources';
  value: string;
}

function sampleTypeLabels(): Record<string, [string, string]> {
  return {
    pretrain: [vscode.l10n.t('Pretraining text'), vscode.l10n.t('Plain text for continued pretraining')],
    instruct: [vscode.l10n.t('Instruction conversations'), vscode.l10n.t('Conversations for instruction fine-tuning')],
    batch_request: [vscode.l10n.t('Batch requests'), vscode.l10n.t('Batch job input')],
    batch_result: [vscode.l10n.t('Batch results'), vscode.l10n.t('Batch job results')],
    batch_error: [vscode.l10n.t('Batch errors'), vscode.l10n.t('Batch job errors')],
  };
}

function sourceLabels(): Record<string, [string, string]> {
  return {
    upload: [vscode.l10n.t('Uploaded'), vscode.l10n.t('Uploaded by you or your team')],
    repository: [vscode.l10n.t('From a repository'), vscode.l10n.t('Imported from a repository')],
    mistral: [vscode.l10n.t('Written by Mistral'), vscode.l10n.t('Batch outputs')],
  };
}

function items(field: FilterItem['field'], values: readonly string[], selected: readonly string[] | undefined, labels: Record<string, [string, string]>): FilterItem[] {
  // Values from an earlier filter stay listed even if not among the known ones.
  return [...new Set([...values, ...(selected ?? [])])].map((value) => ({
    label: labels[value]?.[0] ?? value,
    description: labels[value] ? `${labels[value][1]} · ${value}` : undefined,
    // The input box holds the name filter: the rows must not be hidden by what is typed there.
    alwaysShow: true,
    field,
    value,
  }));
}

/**
 * One QuickPick: the input is the name filter, the ticked rows the sample types and sources (none ticked in a section
 * means any). Enter applies; Escape leaves the current filter untouched.
 */
async function promptFilter(current: FileFilter): Promise<FileFilter | undefined> {
  const pick = vscode.window.createQuickPick<FilterItem | (vscode.QuickPickItem & { field?: undefined })>();
  pick.title = vscode.l10n.t('Filter Files');
  pick.placeholder = vscode.l10n.t('File name contains… (leave empty for any name); tick sample types and sources, then Enter');
  pick.canSelectMany = true;
  pick.ignoreFocusOut = true;
  pick.value = current.search ?? '';
  const sampleTypes = items('sampleTypes', KNOWN_SAMPLE_TYPES, current.sampleTypes, sampleTypeLabels());
  const sources = items('sources', KNOWN_SOURCES, current.sources, sourceLabels());
  pick.items = [
    { label: vscode.l10n.t('Sample type (none ticked: any)'), kind: vscode.QuickPickItemKind.Separator },
    ...sampleTypes,
    { label: vscode.l10n.t('Source (none ticked: any)'), kind: vscode.QuickPickItemKind.Separator },
    ...sources,
  ];
  pick.selectedItems = [
    ...sampleTypes.filter((item) => current.sampleTypes?.includes(item.value)),
    ...sources.filter((item) => current.sources?.includes(item.value)),
  ];
  return new Promise<FileFilter | undefined>((resolve) => {
    let result: FileFilter | undefined;
    const disposables = [
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems.filter((item): item is FilterItem => item.field !== undefined);
        result = {
          search: pick.value,
          sampleTypes: chosen.filter((item) => item.field === 'sampleTypes').map((item) => item.value),
          sources: chosen.filter((item) => item.field === 'sources').map((item) => item.value),
        };
        pick.hide();
      }),
      pick.onDidHide(() => {
        disposables.forEach((d) => d.dispose());
        pick.dispose();
        resolve(result);
      }),
    ];
    pick.show();
  });
}

/**
 * `mistral.filter({ search?, sampleTypes?, sources? })` applies at once (tests, other extensions); without an
 * argument the user is asked. The filter goes to the server with every group's query. Resolves once the tree reloaded.
 */
export function registerFilter(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.filter', async (arg?: unknown) => {
    const isOptions = typeof arg === 'object' && arg !== null && ['search', 'sampleTypes', 'sources'].some((key) => key in arg);
    const next = isOptions ? normalizeFilter(arg) : await promptFilter(deps.files.filter.value);
    if (next === undefined) return;
    deps.files.filter.set(next);
    await deps.files.whenLoaded();
  });
}
