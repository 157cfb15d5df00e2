import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FilePurpose, FileVisibility } from '../../../api/files/types';
import { listNames } from '../../shared/args';
import { KNOWN_PURPOSE_ORDER, PURPOSES, purposeInfo, purposeLabel } from '../../shared/purposes';


interface ChoiceItem extends vscode.QuickPickItem {
  /** A purpose row: undefined purpose means each file gets its own suggestion. */
  purpose?: FilePurpose | undefined;
  isPurpose?: true;
  visibility?: FileVisibility;
  /** An expiry row: hours, or null to keep the file until deleted. */
  expiry?: number | null;
}

export interface PurposeChoice {
  /** One purpose for every file, or one per file (same order as the files). */
  purposes: FilePurpose[];
  visibility: FileVisibility;
  /** Hours until the service deletes the files (the upload's `expiry`), or null to keep them. */
  expiryHours: number | null;
}

/** The expiries offered; the reference gives `expiry` as an integer or null, in hours like the signed URL's. */
export const EXPIRY_CHOICES: ReadonlyArray<number | null> = [null, 24, 24 * 7, 24 * 30];

function expiryLabel(hours: number | null): string {
  if (hours === null) return vscode.l10n.t('Keep until deleted');
  if (hours % 24 === 0) return hours === 24 ? vscode.l10n.t('Delete after 1 day') : vscode.l10n.t('Delete after {0} days', hours / 24);
  return vscode.l10n.t('Delete after {0} hours', hours);
}

/**
 * One QuickPick, all by keyboard: the purpose (the suggested one pre-selected; "Suggested per file" when the files
 * disagree), then labelled Visibility and Expiry rows that switch the choice in place without closing the picker, so
 * the common case stays a single Enter. Undefined when dismissed.
 */
export async function askPurposeAndVisibility(
  fileNames: readonly string[],
  suggestions: ReadonlyArray<FilePurpose | undefined>,
  visibility: FileVisibility,
  expiryHours: number | null = null,
): Promise<PurposeChoice | undefined> {
  const distinct = [...new Set(suggestions.map((s) => s ?? 'fine-tune'))];
  const purposeItems: ChoiceItem[] = [];
  if (distinct.length > 1) {
    const counts = distinct.map((p) => `${suggestions.filter((s) => (s ?? 'fine-tune') === p).length} ${purposeLabel(p, vscode.l10n)}`);
    purposeItems.push({ label: vscode.l10n.t('Suggested per file'), description: counts.join(', '), purpose: undefined, isPurpose: true });
  }
  const suggested = distinct.length === 1 ? distinct[0] : undefined;
  for (const purpose of KNOWN_PURPOSE_ORDER) {
    purposeItems.push({
      label: purposeLabel(purpose, vscode.l10n),
      description: purpose === suggested ? vscode.l10n.t('suggested') : purpose,
      detail: PURPOSES[purpose].detail(vscode.l10n),
      purpose,
      isPurpose: true,
    });
  }

  const pick = vscode.window.createQuickPick<ChoiceItem>();
  const subject = fileNames.length === 1 ? `"${fileNames[0]}"` : vscode.l10n.t('{0} files', fileNames.length);
  const selected = vscode.l10n.t('selected');
  const render = (active: ChoiceItem | undefined): void => {
    pick.title =
      visibility === 'user'
        ? vscode.l10n.t('Upload {0} to Mistral: purpose (visible to you only; {1})', subject, expiryLabel(expiryHours).toLowerCase())
        : vscode.l10n.t('Upload {0} to Mistral: purpose (visible to the workspace; {1})', subject, expiryLabel(expiryHours).toLowerCase());
    const visibilityItems: ChoiceItem[] = [
      { label: `$(organization) ${vscode.l10n.t('Visible to the workspace')}`, description: visibility === 'workspace' ? selected : undefined, detail: vscode.l10n.t('Everyone with access to this Mistral workspace can use the files.'), visibility: 'workspace' },
      { label: `$(person) ${vscode.l10n.t('Visible to you only')}`, description: visibility === 'user' ? selected : undefined, visibility: 'user' },
    ];
    const expiryItems: ChoiceItem[] = EXPIRY_CHOICES.map((hours) => ({
      label: `$(watch) ${expiryLabel(hours)}`,
      description: hours === expiryHours ? selected : undefined,
      expiry: hours,
    }));
    pick.items = [
      ...purposeItems,
      { label: vscode.l10n.t('Visibility (Enter switches)'), kind: vscode.QuickPickItemKind.Separator },
      ...visibilityItems,
      { label: vscode.l10n.t('Expiry (Enter switches)'), kind: vscode.QuickPickItemKind.Separator },
      ...expiryItems,
    ];
    const keep = active && pick.items.find((item) => item.label === active.label);
    pick.activeItems = [keep ?? purposeItems.find((item) => item.purpose === suggested) ?? purposeItems[0]];
  };
  pick.placeholder = vscode.l10n.t('What will it be used for? Enter uploads.');
  render(undefined);

  return new Promise<PurposeChoice | undefined>((resolve) => {
    let choice: PurposeChoice | undefined;
    const disposables = [
      pick.onDidAccept(() => {
        const item = pick.activeItems[0];
        if (!item) return;
        if (item.visibility !== undefined) {
          visibility = item.visibility;
          render(purposeItems.find((p) => p.purpose === suggested) ?? purposeItems[0]);
          return;
        }
        if (item.expiry !== undefined) {
          expiryHours = item.expiry;
          render(purposeItems.find((p) => p.purpose === suggested) ?? purposeItems[0]);
          return;
        }
        if (!item.isPurpose) return;
        const purposes = item.purpose === undefined ? suggestions.map((s) => s ?? 'fine-tune') : fileNames.map(() => item.purpose as FilePurpose);
        choice = { purposes, visibility, expiryHours };
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
