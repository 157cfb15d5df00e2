import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FilePurpose, FileVisibility } from '../../../api/files/types';
import { listNames } from '../../shared/args';
import { KNOWN_PURPOSE_ORDER, PURPOSES, purposeInfo, purposeLabel } from '../../shared/purposes';


interface PurposeItem extends vscode.QuickPickItem {
  /** undefined: each file gets its own suggestion. */
  purpose: FilePurpose | undefined;
}

export interface PurposeChoice {
  /** One purpose for every file, or one per file (same order as the files). */
  purposes: FilePurpose[];
  visibility: FileVisibility;
}

/**
 * One QuickPick: the purpose (suggested one pre-selected; "Suggested per file" when the files disagree) and, through a
 * title button, the visibility, so the common case is a single Enter. Undefined when dismissed.
 */
export async function askPurposeAndVisibility(
  fileNames: readonly string[],
  suggestions: ReadonlyArray<FilePurpose | undefined>,
  visibility: FileVisibility,
): Promise<PurposeChoice | undefined> {
  const distinct = [...new Set(suggestions.map((s) => s ?? 'fine-tune'))];
  const items: PurposeItem[] = [];
  if (distinct.length > 1) {
    const counts = distinct.map((p) => `${suggestions.filter((s) => (s ?? 'fine-tune') === p).length} ${purposeLabel(p, vscode.l10n)}`);
    items.push({ label: vscode.l10n.t('Suggested per file'), description: counts.join(', '), purpose: undefined });
  }
  const suggested = distinct.length === 1 ? distinct[0] : undefined;
  for (const purpose of KNOWN_PURPOSE_ORDER) {
    items.push({
      label: purposeLabel(purpose, vscode.l10n),
      description: purpose === suggested ? vscode.l10n.t('suggested') : purpose,
      detail: PURPOSES[purpose].detail(vscode.l10n),
      purpose,
    });
  }

  const pick = vscode.window.createQuickPick<PurposeItem>();
  const subject = fileNames.length === 1 ? `"${fileNames[0]}"` : vscode.l10n.t('{0} files', fileNames.length);
  const visibilityButton = (): vscode.QuickInputButton => ({
    iconPath: new vscode.ThemeIcon(visibility === 'user' ? 'person' : 'organization'),
    tooltip:
      visibility === 'user'
        ? vscode.l10n.t('Visible to you only. Click to share with the workspace.')
        : vscode.l10n.t('Visible to the workspace. Click to keep it to yourself.'),
  });
  const refreshTitle = (): void => {
    pick.title =
      visibility === 'user'
        ? vscode.l10n.t('Upload {0} to Mistral: purpose (visible to you only)', subject)
        : vscode.l10n.t('Upload {0} to Mistral: purpose (visible to the workspace)', subject);
    pick.buttons = [visibilityButton()];
  };
  refreshTitle();
  pick.placeholder = vscode.l10n.t('What will the file be used for?');
  pick.items = items;
  pick.activeItems = [items.find((item) => item.purpose === suggested) ?? items[0]];

  return new Promise<PurposeChoice | undefined>((resolve) => {
    let choice: PurposeChoice | undefined;
    const disposables = [
      pick.onDidTriggerButton(() => {
        visibility = visibility === 'user' ? 'workspace' : 'user';
        refreshTitle();
      }),
      pick.onDidAccept(() => {
        const item = pick.activeItems[0];
        if (!item) return;
        const purposes = item.purpose === undefined ? suggestions.map((s) => s ?? 'fine-tune') : fileNames.map(() => item.purpose as FilePurpose);
        choice = { purposes, visibility };
        pick.hide();
      }),
      pick.onDidHide(() => {
        disposables.forEach((d) => d.dispose());
        pick.dispose();
        resolve(choice);
      }),
    ];
    pick.show();
  });
}

/** Modal "Save and Upload" / Cancel for unsaved editors; true when the caller may go on. */
export async function saveDirtyDocuments(documents: readonly vscode.TextDocument[], ask: boolean): Promise<boolean> {
  if (documents.length === 0) return true;
  if (ask) {
    const saveAndUpload = vscode.l10n.t('Save and Upload');
    const names = documents.map((document) => path.basename(document.uri.fsPath));
    const answer = await vscode.window.showWarningMessage(
      documents.length === 1
        ? vscode.l10n.t('{0} has unsaved changes.', names[0])
        : vscode.l10n.t('{0} have unsaved changes.', listNames(names)),
      { modal: true, detail: vscode.l10n.t('The file on disk is what gets uploaded. Save it first?') },
      saveAndUpload,
    );
    if (answer !== saveAndUpload) return false;
  }
  for (const document of documents) {
    if (!(await document.save())) {
      throw new Error(vscode.l10n.t('Could not save {0}', path.basename(document.uri.fsPath)));
    }
  }
  return true;
}

/** File picker for uploads, with filters that fit the purpose when one is known. */
export async function pickLocalFiles(purpose: FilePurpose | undefined): Promise<vscode.Uri[]> {
  const filters: Record<string, string[]> = {};
  const info = purpose === undefined ? undefined : purposeInfo(purpose);
  if (info) filters[info.filterName(vscode.l10n)] = [...info.extensions];
  filters[vscode.l10n.t('All files')] = ['*'];
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Upload'),
    title: purpose
      ? vscode.l10n.t('Upload to Mistral ({0})', purposeLabel(purpose, vscode.l10n))
      : vscode.l10n.t('Upload to Mistral'),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters,
  });
  return uris ?? [];
}
