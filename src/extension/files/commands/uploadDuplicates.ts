import * as vscode from 'vscode';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes } from '../../../util/format';
import type { Deps } from '../../deps';
import { listNames } from '../../shared/args';
import { mapSettled } from '../../shared/concurrency';
import type { PlannedUpload } from '../../validation/preUpload';

const CONCURRENT_LOOKUPS = 4;

/** What `mistral.upload` does with files already on Mistral under the same name and size; asked when absent. */
export type DuplicatePolicy = 'skip' | 'upload';

/**
 * The remote file with the same name, purpose and size as a planned upload, if any. Same name and size is a strong
 * hint, not proof, of the same content (the service answers an identical name + content with the existing file).
 */
async function remoteTwin(deps: Deps, upload: PlannedUpload, signal: AbortSignal): Promise<MistralFile | undefined> {
  const list = await deps.client.files.list({ page: 0, pageSize: 100, search: upload.name, purpose: upload.purpose }, { signal });
  return list.data.find((file) => file.filename === upload.name && file.bytes === upload.size);
}

/**
 * Warns before sending files that look already uploaded. Resolves with the uploads to send (all of them, or those
 * without a twin), or undefined when the user dismissed the warning. A lookup that fails does not block the upload.
 */
export async function withoutDuplicates(
  deps: Deps,
  uploads: readonly PlannedUpload[],
  policy: DuplicatePolicy | undefined,
  skipped: MistralFile[],
): Promise<PlannedUpload[] | undefined> {
  const controller = new AbortController();
  const results = await mapSettled(uploads, CONCURRENT_LOOKUPS, (upload) => remoteTwin(deps, upload, controller.signal), controller.signal);
  const twins = new Map<PlannedUpload, MistralFile>();
  results.forEach((result, index) => {
    if (result.ok && result.value) twins.set(uploads[index], result.value);
    else if (!result.ok) deps.log.warn(`Duplicate check for ${uploads[index].name} failed; uploading it anyway.`);
  });
  if (twins.size === 0) return [...uploads];
  let choice = policy;
  if (choice === undefined) {
    const skip = twins.size === uploads.length ? vscode.l10n.t('Skip') : vscode.l10n.t('Skip Duplicates');
    const upload = vscode.l10n.t('Upload Anyway');
    const names = [...twins.keys()].map((u) => `${u.name} (${formatBytes(u.size)})`);
    const message =
      twins.size === 1
        ? vscode.l10n.t('{0} is already on Mistral with the same name and size.', names[0])
        : vscode.l10n.t('{0} files are already on Mistral with the same name and size: {1}.', twins.size, listNames(names));
    const answer = await vscode.window.showWarningMessage(
      message,
      { modal: true, detail: vscode.l10n.t('Uploading a file with the same name and content again returns the existing file.') },
      skip,
      upload,
    );
    if (answer === undefined) return undefined;
    choice = answer === upload ? 'upload' : 'skip';
  }
  if (choice === 'upload') return [...uploads];
  for (const twin of twins.values()) skipped.push(twin);
  return uploads.filter((upload) => !twins.has(upload));
}

/**
 * Selects an uploaded file in the Files view without taking the keyboard focus. The side bar switches to the view only
 * when `mistral.upload.revealInFilesView` says `always`; by default an Explorer upload stays in the Explorer and the
 * file is selected when the view next shows.
 */
export async function revealUploaded(deps: Deps, file: MistralFile): Promise<void> {
  if (deps.settings.revealAfterUpload === 'never') return;
  if (deps.settings.revealAfterUpload === 'always') await deps.files.reveal(file, { focus: false });
  else await deps.files.revealWhenShown(file);
}
