import * as vscode from 'vscode';
import { KNOWN_SAMPLE_TYPES, KNOWN_SOURCES } from '../../../api/files/types';
import type { Deps } from '../../deps';
import type { FileFilter } from '../tree/filesModel';
import { normalizeFilter } from '../tree/filterState';

function sampleTypeDetails(): Record<string, string> {
  return {
    pretrain: vscode.l10n.t('Plain text for continued pretraining'),
    instruct: vscode.l10n.t('Conversations for instruction fine-tuning'),
    batch_request: vscode.l10n.t('Batch job input'),
    batch_result: vscode.l10n.t('Batch job results'),
    batch_error: vscode.l10n.t('Batch job errors'),
  };
}

function sourceDetails(): Record<string, string> {
  return {
    upload: vscode.l10n.t('Uploaded by you or your team'),
    repository: vscode.l10n.t('Imported from a repository'),
    mistral: vscode.l10n.t('Written by Mistral (batch outputs)'),
  };
}

async function pickMany(
  title: string,
  values: readonly string[],
  selected: readonly string[] | undefined,
  details: Record<string, string>,
): Promise<string[] | undefined> {
  // Values from an earlier filter stay listed even if not among the known ones.
  const all = [...new Set([...values, ...(selected ?? [])])];
  const items = all.map((value) => ({ label: value, description: details[value], picked: selected?.includes(value) ?? false }));
  const picked = await vscode.window.showQuickPick(items, {
    title,
    canPickMany: true,
    ignoreFocusOut: true,
    placeHolder: vscode.l10n.t('Select none to include all'),
  });
  return picked?.map((item) => item.label);
}

/** Three short steps: name, sample types, sources. Escape at any step leaves the current filter untouched. */
async function promptFilter(current: FileFilter): Promise<FileFilter | undefined> {
  const search = await vscode.window.showInputBox({
    title: vscode.l10n.t('Filter Files (1/3): File Name'),
    prompt: vscode.l10n.t('Show files whose name contains this text (leave empty for any name).'),
    value: current.search ?? '',
    ignoreFocusOut: true,
  });
  if (search === undefined) return undefined;
  const sampleTypes = await pickMany(vscode.l10n.t('Filter Files (2/3): Sample Type'), KNOWN_SAMPLE_TYPES, current.sampleTypes, sampleTypeDetails());
  if (sampleTypes === undefined) return undefined;
  const sources = await pickMany(vscode.l10n.t('Filter Files (3/3): Source'), KNOWN_SOURCES, current.sources, sourceDetails());
  if (sources === undefined) return undefined;
  return { search, sampleTypes, sources };
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
