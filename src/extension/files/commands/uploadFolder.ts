import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import { errorMessage } from '../../../api/core/errors';
import { extensionCounts, listFolderFiles, type FolderFile } from '../../../util/folderFiles';
import type { Deps } from '../../deps';
import { showError, withCancellableProgress } from '../../shared/feedback';
import { asOptions, toUri, urisFromArgs } from '../../shared/args';
import { isKnownPurpose, purposeLabel, purposeOfExtension } from '../../shared/purposes';
import type { UploadCommandOptions, UploadOutcome } from './upload';

/** A folder's walk stops here: more files than this is not an upload a picker can sensibly confirm. */
export const MAX_FOLDER_FILES = 10_000;

/** `mistral.uploadFolder(folder | folders, options)` without UI (tests, drops, other extensions). */
export interface UploadFolderOptions extends Omit<UploadCommandOptions, 'uris'> {
  folders?: Array<vscode.Uri | string>;
  /** Plain files dropped together with the folders. */
  files?: Array<vscode.Uri | string>;
  /** Lower-case extensions without the dot ('' for none) to include; asked when absent. */
  extensions?: string[];
}
const OPTION_KEYS = ['folders', 'files', 'extensions', 'purpose', 'purposes', 'visibility', 'validation', 'force', 'saveDirty', 'expiryHours', 'duplicates'] as const;

export interface UploadFolderOutcome extends UploadOutcome {
  /** Entries .gitignore (or `.git`) left out. */
  ignored: number;
}

interface ExtensionItem extends vscode.QuickPickItem {
  extension: string;
}

/** Types a purpose takes are pre-selected (`.jsonl`, `.pdf`, images, audio); the rest are listed unticked. */
async function pickExtensions(counts: ReadonlyArray<{ extension: string; count: number }>, folderName: string): Promise<string[] | undefined> {
  const items: ExtensionItem[] = counts.map(({ extension, count }) => {
    const purpose = extension === 'jsonl' ? undefined : purposeOfExtension(extension);
    return {
      label: extension === '' ? vscode.l10n.t('(no extension)') : `.${extension}`,
      description: count === 1 ? vscode.l10n.t('1 file') : vscode.l10n.t('{0} files', count),
      detail:
        extension === 'jsonl'
          ? vscode.l10n.t('Fine-tune or Batch, told apart by content')
          : purpose
            ? purposeLabel(purpose, vscode.l10n)
            : vscode.l10n.t('No purpose takes this type'),
      picked: extension === 'jsonl' || purpose !== undefined,
      extension,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Upload Folder "{0}": file types', folderName),
    placeHolder: vscode.l10n.t('Choose the file types to upload (.gitignore rules apply)'),
    canPickMany: true,
    ignoreFocusOut: true,
  });
  return picked?.map((item) => item.extension);
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  return uri.scheme === 'file' && (await fs.stat(uri.fsPath).then((s) => s.isDirectory(), () => false));
}

/**
 * `mistral.uploadFolder`: the files of a folder (from the Explorer, a drop, or a folder picker), with .gitignore and a
 * file-type filter applied, go through the one upload run — one purpose picker (suggested per file), the duplicate
 * warning, validation, one progress and one summary. Resolves with the upload's outcome and the ignored count.
 */
export function registerUploadFolder(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.uploadFolder', async (first?: unknown, second?: unknown): Promise<UploadFolderOutcome | undefined> => {
    const options = asOptions<UploadFolderOptions>(first, OPTION_KEYS) ?? asOptions<UploadFolderOptions>(second, OPTION_KEYS) ?? {};
    let folders = options.folders ? options.folders.map(toUri) : urisFromArgs(first, second);
    if (folders.length === 0) {
      folders =
        (await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Upload Folder'),
          title: vscode.l10n.t('Upload a Folder to Mistral'),
          defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        })) ?? [];
    }
    const plainFiles = (options.files ?? []).map(toUri);
    for (const uri of [...folders]) {
      if (!(await isFolder(uri))) {
        folders = folders.filter((f) => f !== uri);
        plainFiles.push(uri);
      }
    }
    if (folders.length === 0 && plainFiles.length === 0) return undefined;

    let found: FolderFile[] = [];
    let ignored = 0;
    let truncated = false;
    try {
      await withCancellableProgress({ title: vscode.l10n.t('Listing the folder’s files'), location: vscode.ProgressLocation.Window }, async (signal) => {
        for (const folder of folders) {
          const listing = await listFolderFiles(folder.fsPath, { signal, maxFiles: MAX_FOLDER_FILES - found.length });
          found = [...found, ...listing.files];
          ignored += listing.ignored;
          truncated ||= listing.truncated;
        }
      });
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Could not read the folder'));
      return undefined;
    }
    const folderName = folders.length === 1 ? path.basename(folders[0].fsPath) : vscode.l10n.t('{0} folders', folders.length);
    deps.log.info(`Upload Folder: ${found.length} files in ${folders.map((f) => f.fsPath).join(', ')}, ${ignored} ignored${truncated ? ', stopped at the limit' : ''}`);
    if (truncated) {
      void vscode.window.showWarningMessage(vscode.l10n.t('"{0}" has more than {1} files; only the first {1} are offered.', folderName, MAX_FOLDER_FILES));
    }
    if (found.length === 0 && plainFiles.length === 0) {
      void vscode.window.showInformationMessage(
        ignored > 0
          ? vscode.l10n.t('"{0}" has no files to upload ({1} left out by .gitignore).', folderName, ignored)
          : vscode.l10n.t('"{0}" has no files to upload.', folderName),
      );
      return { uploaded: [], failed: [], blocked: [], cancelled: false, mayBeStored: [], ignored };
    }
    const extensions = options.extensions ?? (found.length > 0 ? await pickExtensions(extensionCounts(found), folderName) : []);
    if (extensions === undefined) return { uploaded: [], failed: [], blocked: [], cancelled: true, mayBeStored: [], ignored };
    const wanted = new Set(extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
    const chosen = found.filter((file) => wanted.has(path.extname(file.path).slice(1).toLowerCase()));
    const uris = [...chosen.map((file) => vscode.Uri.file(file.path)), ...plainFiles];
    if (uris.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No file of the chosen types in "{0}".', folderName));
      return { uploaded: [], failed: [], blocked: [], cancelled: false, mayBeStored: [], ignored };
    }
    const { folders: _folders, files: _files, extensions: _extensions, ...uploadOptions } = options;
    const purpose = uploadOptions.purpose && uploadOptions.purpose !== 'auto' && !isKnownPurpose(uploadOptions.purpose) ? undefined : uploadOptions.purpose;
    try {
      const outcome = await vscode.commands.executeCommand<UploadOutcome | undefined>('mistral.upload', { ...uploadOptions, purpose, uris });
      return outcome && { ...outcome, ignored };
    } catch (err) {
      deps.log.error(`Upload Folder failed: ${errorMessage(err)}`);
      throw err;
    }
  });
}
