import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MistralApiError, errorMessage, isAbortError } from '../../../api/core/errors';
import { MAX_FILE_BYTES, type FilePurpose, type FileVisibility, type MistralFile } from '../../../api/files/types';
import { formatBytes, formatMegabytes } from '../../../util/format';
import type { Deps } from '../../deps';
import { PercentProgress, showError, showRunSummary, withCancellableProgress } from '../../shared/feedback';
import { errorCount, validateUploads, type PlannedUpload } from '../../validation/preUpload';
import { showProblemsPanel } from '../../validation/runner';
import { asOptions, listNames, toUri, urisFromArgs } from '../../shared/args';
import { purposeFromArg } from '../../shared/purposes';
import { checkUploads } from '../../shared/uploadChecks';
import { readHead, suggestPurpose } from '../purposeDetection';
import { askPurposeAndVisibility, pickLocalFiles, saveDirtyDocuments } from './uploadPrompts';
import { revealUploaded, withoutDuplicates, type DuplicatePolicy } from './uploadDuplicates';

/** Drives `mistral.upload` / `mistral.uploadToGroup` without UI (tests, drag and drop, other extensions). */
export interface UploadCommandOptions {
  uris?: Array<vscode.Uri | string>;
  /** A purpose, or 'auto' for each file's suggested purpose without asking. Asked with a QuickPick when absent. */
  purpose?: FilePurpose | 'auto';
  visibility?: FileVisibility;
  /** Overrides the `mistral.validation.beforeUpload` setting for this call. */
  validation?: 'block' | 'warn' | 'off';
  /** Upload even when validation finds errors. */
  force?: boolean;
  /** One purpose per file of `uris` (same order); wins over `purpose`. What "Upload Anyway" passes. */
  purposes?: FilePurpose[];
  /** true: save unsaved editors without asking; false: cancel when any is unsaved. Asked when absent. */
  saveDirty?: boolean;
  /** Hours until the service deletes the files (the API's `expiry`); null keeps them. Asked with the purpose when absent. */
  expiryHours?: number | null;
  /** Files already on Mistral with the same name and size: skip them or upload anyway. Asked when absent. */
  duplicates?: DuplicatePolicy;
}
const OPTION_KEYS = ['uris', 'purpose', 'purposes', 'visibility', 'validation', 'force', 'saveDirty', 'expiryHours', 'duplicates'] as const;

export interface UploadOutcome {
  uploaded: MistralFile[];
  /** `purpose` is known for files that failed while sending (a retry sends them with it, without asking again). */
  failed: Array<{ uri: vscode.Uri; error: string; purpose?: FilePurpose }>;
  /** Not sent because validation found errors (block mode). */
  blocked: vscode.Uri[];
  cancelled: boolean;
  /** Names of files whose upload ended after the whole file was sent: the service may have stored them. */
  mayBeStored: string[];
  /** Already on Mistral with the same name and size, and skipped at the user's choice. */
  skipped?: MistralFile[];
}

export function registerUpload(deps: Deps): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('mistral.upload', async (first?: unknown, second?: unknown) => {
      const options = asOptions<UploadCommandOptions>(first, OPTION_KEYS) ?? {};
      let uris = options.uris ? options.uris.map(toUri) : urisFromArgs(first, second);
      if (uris.length === 0) uris = activeJsonlFile();
      if (uris.length === 0) uris = await pickLocalFiles(undefined);
      if (uris.length === 0) return undefined;
      return runUpload(deps, uris, options);
    }),
    // The palette's entry: "Mistral: Upload Files…" reads better there than the Explorer's "Upload to Mistral".
    vscode.commands.registerCommand('mistral.uploadFiles', () => vscode.commands.executeCommand('mistral.upload')),
    vscode.commands.registerCommand('mistral.uploadToGroup', async (group?: unknown, second?: unknown) => {
      // A group node ({ kind: 'group', purpose }) is never mistaken for options; options may follow it.
      const isNode = typeof group === 'object' && group !== null && 'kind' in group;
      const options = (isNode ? undefined : asOptions<UploadCommandOptions>(group, OPTION_KEYS)) ?? asOptions<UploadCommandOptions>(second, OPTION_KEYS) ?? {};
      const purpose = options.purpose ?? purposeFromArg(group);
      if (!purpose) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Choose a purpose group in the Mistral view to upload to.'));
        return undefined;
      }
      const uris = options.uris ? options.uris.map(toUri) : await pickLocalFiles(purpose === 'auto' ? undefined : purpose);
      if (uris.length === 0) return undefined;
      return runUpload(deps, uris, { ...options, purpose });
    }),
  );
}

function activeJsonlFile(): vscode.Uri[] {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri && uri.scheme === 'file' && path.extname(uri.fsPath).toLowerCase() === '.jsonl' ? [uri] : [];
}

async function runUpload(deps: Deps, uris: vscode.Uri[], options: UploadCommandOptions): Promise<UploadOutcome> {
  const outcome: UploadOutcome = { uploaded: [], failed: [], blocked: [], cancelled: false, mayBeStored: [] };
  // The Explorer and editor entries show before the extension knows of a key (it activates on first use), so the
  // key is asked for here rather than the entry being hidden.
  if ((await deps.keyStore.get()) === undefined && !(await vscode.commands.executeCommand<boolean>('mistral.setApiKey'))) {
    return { ...outcome, cancelled: true };
  }
  let visibility: FileVisibility | undefined;
  try {
    const files = await statFiles(uris, outcome);
    if (files.length === 0) {
      reportOutcome(deps, outcome);
      return outcome;
    }

    const openDocuments = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const dirty = files.map((f) => openDocuments.get(f.uri.toString())).filter((d): d is vscode.TextDocument => !!d?.isDirty);
    if (dirty.length > 0 && options.saveDirty === false) return { ...outcome, cancelled: true };
    if (!(await saveDirtyDocuments(dirty, options.saveDirty !== true))) return { ...outcome, cancelled: true };
    for (const document of dirty) {
      const file = files.find((f) => f.uri.toString() === document.uri.toString());
      if (file) file.size = (await fs.stat(file.uri.fsPath)).size;
    }

    const chosen = await choosePurposes(deps, files, options);
    if (!chosen) return { ...outcome, cancelled: true };
    // A type, size or page count the purpose cannot take is refused here, before validation and before any byte.
    const checked = await checkUploads(chosen.uploads);
    for (const { file, message } of checked.refused) outcome.failed.push({ uri: file.uri, error: message });
    if (checked.warnings.length > 0) void vscode.window.showWarningMessage(checked.warnings.join(' '));
    if (checked.accepted.length === 0) {
      reportOutcome(deps, outcome);
      return outcome;
    }
    const planned = { ...chosen, uploads: checked.accepted };
    visibility = planned.visibility;

    const skipped: MistralFile[] = [];
    const fresh = await withoutDuplicates(deps, planned.uploads, options.duplicates, skipped);
    if (fresh === undefined) return { ...outcome, cancelled: true };
    outcome.skipped = skipped;
    planned.uploads = fresh;
    if (fresh.length === 0) {
      reportOutcome(deps, outcome);
      return outcome;
    }

    const mode = options.validation ?? deps.settings.validationBeforeUpload;
    if (mode !== 'off') {
      const findings = await validateUploads(deps, planned.uploads);
      const withErrors = findings.filter((finding) => finding.result.summary.errors > 0);
      if (withErrors.length > 0) {
        const names = withErrors.map((finding) => finding.upload.name);
        if (mode === 'block' && options.force !== true) {
          offerUploadAnyway(planned.uploads, planned.visibility, withErrors.length, errorCount(withErrors), names);
          return { ...outcome, blocked: planned.uploads.map((upload) => upload.uri) };
        }
        void warnAndContinue(names, errorCount(withErrors));
      }
    }

    await uploadAll(deps, planned.uploads, planned.visibility, outcome, planned.expiryHours);
  } catch (err) {
    if (isAbortError(err)) {
      outcome.cancelled = true;
    } else {
      void showError(deps.log, err, vscode.l10n.t('Upload failed'));
      return outcome;
    }
  }
  reportOutcome(deps, outcome, visibility);
  return outcome;
}

interface LocalFile {
  uri: vscode.Uri;
  name: string;
  size: number;
}

/** Keeps regular files; folders, missing files and files over the limit are reported as failures up front. */
async function statFiles(uris: readonly vscode.Uri[], outcome: UploadOutcome): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const uri of uris) {
    const name = path.basename(uri.fsPath);
    try {
      if (uri.scheme !== 'file') throw new Error(vscode.l10n.t('only files on this machine can be uploaded'));
      const stat = await fs.stat(uri.fsPath);
      if (stat.isDirectory()) throw new Error(vscode.l10n.t('it is a folder; choose the files inside it'));
      if (stat.size > MAX_FILE_BYTES) {
        throw new Error(vscode.l10n.t('it is {0}; the limit is {1}', formatMegabytes(stat.size), formatMegabytes(MAX_FILE_BYTES)));
      }
      files.push({ uri, name, size: stat.size });
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? vscode.l10n.t('file not found') : errorMessage(err);
      outcome.failed.push({ uri, error: `${name}: ${reason}` });
    }
  }
  return files;
}

async function choosePurposes(
  deps: Deps,
  files: readonly LocalFile[],
  options: UploadCommandOptions,
): Promise<{ uploads: PlannedUpload[]; visibility: FileVisibility; expiryHours: number | null } | undefined> {
  const visibility = options.visibility ?? deps.settings.defaultVisibility;
  let purposes: FilePurpose[];
  if (options.purposes && options.purposes.length === files.length) {
    purposes = options.purposes;
  } else if (options.purpose && options.purpose !== 'auto') {
    purposes = files.map(() => options.purpose as FilePurpose);
  } else {
    const suggestions = await Promise.all(files.map(async (f) => suggestPurpose(f.name, await readHead(f.uri.fsPath))));
    if (options.purpose === 'auto') {
      purposes = suggestions.map((s) => s ?? 'fine-tune');
    } else {
      const choice = await askPurposeAndVisibility(files.map((f) => f.name), suggestions, visibility, options.expiryHours ?? null);
      if (!choice) return undefined;
      return { uploads: files.map((f, i) => ({ ...f, purpose: choice.purposes[i] })), visibility: choice.visibility, expiryHours: choice.expiryHours };
    }
  }
  return { uploads: files.map((f, i) => ({ ...f, purpose: purposes[i] })), visibility, expiryHours: options.expiryHours ?? null };
}

/**
 * Block mode: this run ends with nothing sent. "Upload Anyway" starts a new `mistral.upload` run for the same files
 * and purposes with validation off, which reports its own outcome.
 */
function offerUploadAnyway(
  uploads: readonly PlannedUpload[],
  visibility: FileVisibility,
  filesWithErrors: number,
  errors: number,
  names: readonly string[],
): void {
  const showProblems = vscode.l10n.t('Show Problems');
  const uploadAnyway = vscode.l10n.t('Upload Anyway');
  const message =
    uploads.length === 1
      ? errors === 1
        ? vscode.l10n.t('"{0}" was not uploaded: validation found 1 error.', names[0])
        : vscode.l10n.t('"{0}" was not uploaded: validation found {1} errors.', names[0], errors)
      : errors === 1
        ? vscode.l10n.t('Nothing was uploaded: validation found 1 error in {0} of {1} files ({2}).', filesWithErrors, uploads.length, listNames(names))
        : vscode.l10n.t('Nothing was uploaded: validation found {0} errors in {1} of {2} files ({3}).', errors, filesWithErrors, uploads.length, listNames(names));
  void vscode.window.showErrorMessage(message, showProblems, uploadAnyway).then(async (answer) => {
    if (answer === showProblems) showProblemsPanel();
    if (answer !== uploadAnyway) return;
    const rerun: UploadCommandOptions = {
      uris: uploads.map((upload) => upload.uri),
      purposes: uploads.map((upload) => upload.purpose),
      visibility,
      validation: 'off',
      saveDirty: true,
    };
    await vscode.commands.executeCommand('mistral.upload', rerun);
  });
}

async function warnAndContinue(names: readonly string[], errors: number): Promise<void> {
  const showProblems = vscode.l10n.t('Show Problems');
  const answer = await vscode.window.showWarningMessage(
    errors === 1
      ? vscode.l10n.t('Uploading {0} despite 1 validation error.', listNames(names))
      : vscode.l10n.t('Uploading {0} despite {1} validation errors.', listNames(names), errors),
    showProblems,
  );
  if (answer === showProblems) showProblemsPanel();
}

/** One progress for all files, percent over their total bytes; Cancel aborts the file in flight and skips the rest. */
async function uploadAll(
  deps: Deps,
  uploads: readonly PlannedUpload[],
  visibility: FileVisibility,
  outcome: UploadOutcome,
  expiryHours: number | null = null,
): Promise<void> {
  const totalBytes = uploads.reduce((sum, upload) => sum + upload.size, 0);
  const title =
    uploads.length === 1
      ? vscode.l10n.t('Uploading "{0}" to Mistral', uploads[0].name)
      : vscode.l10n.t('Uploading {0} files to Mistral', uploads.length);
  await withCancellableProgress({ title }, async (signal, progress) => {
    let doneBytes = 0;
    // Empty files count as one byte each, so a run of them still moves the bar.
    const percent = new PercentProgress(progress, totalBytes > 0 ? totalBytes : uploads.length);
    const report = (sentOfCurrent: number, upload: PlannedUpload, index: number): void => {
      const label = uploads.length > 1 ? `${index + 1}/${uploads.length} ${upload.name} · ` : '';
      percent.report(totalBytes > 0 ? doneBytes + sentOfCurrent : index + 1, (p) => `${label}${p}%`);
    };
    for (const [index, upload] of uploads.entries()) {
      if (signal.aborted) break;
      try {
        report(0, upload, index);
        const file = await deps.client.files.upload(upload.uri.fsPath, {
          purpose: upload.purpose,
          visibility,
          expiry: expiryHours,
          signal,
          onProgress: ({ transferred }) => report(transferred, upload, index),
        });
        outcome.uploaded.push(file);
        deps.log.info(`Uploaded ${upload.name} as ${file.id} (${file.purpose}, ${formatBytes(file.bytes)})`);
      } catch (err) {
        // Cancelled (or cut) after the whole file went out: the service may have stored it, so say so, not "nothing left".
        if (err instanceof MistralApiError && err.mayHaveApplied) {
          outcome.mayBeStored.push(upload.name);
          deps.files.refresh(upload.purpose);
          deps.log.warn(`Upload of ${upload.name} ended after the file was sent; it may be stored: ${err.describe()}`);
        }
        if (signal.aborted) break;
        outcome.failed.push({ uri: upload.uri, error: `${upload.name}: ${errorMessage(err)}`, purpose: upload.purpose });
        deps.log.error(`Upload of ${upload.name} failed: ${err instanceof MistralApiError ? err.describe() : errorMessage(err)}`);
      }
      doneBytes += upload.size;
    }
    if (signal.aborted) outcome.cancelled = true;
  });
  for (const purpose of new Set(outcome.uploaded.map((file) => file.purpose))) deps.files.refresh(purpose);
  const last = outcome.uploaded[outcome.uploaded.length - 1];
  if (last) {
    // Ticks the walkthrough's "Upload a file" step only once something was really uploaded.
    deps.walkthrough.record('uploaded');
    await revealUploaded(deps, last).catch((err: unknown) => deps.log.warn(`Could not reveal ${last.id}: ${errorMessage(err)}`));
  }
}

/** One message at the end: what succeeded, what failed, what was cancelled. Not awaited, so the command returns. */
function reportOutcome(deps: Deps, outcome: UploadOutcome, visibility?: FileVisibility): void {
  const { uploaded, failed, cancelled } = outcome;
  if (failed.length === 0 && uploaded.length === 1 && !cancelled) {
    const file = uploaded[0];
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Uploaded "{0}" ({1}) as {2}.', file.filename, formatBytes(file.bytes), file.purpose),
    );
    return;
  }
  const retry = retryFailed(failed, visibility);
  if (failed.length === 1 && uploaded.length === 0 && !cancelled) {
    void showRunSummary(deps.log, 'error', vscode.l10n.t('Upload failed: {0}', failed[0].error), retry);
    return;
  }
  const parts: string[] = [];
  if (uploaded.length > 0) parts.push(vscode.l10n.t('Uploaded {0}.', listNames(uploaded.map((f) => f.filename))));
  if (failed.length > 0) parts.push(vscode.l10n.t('Failed: {0}.', failed.map((f) => f.error).join('; ')));
  const skipped = outcome.skipped ?? [];
  if (skipped.length > 0) parts.push(vscode.l10n.t('Skipped, already on Mistral: {0}.', listNames(skipped.map((f) => f.filename))));
  if (outcome.mayBeStored.length > 0) {
    parts.push(vscode.l10n.t('{0} was sent before the upload stopped and may be stored on Mistral: check the Files view.', listNames(outcome.mayBeStored)));
  } else if (cancelled) {
    parts.push(vscode.l10n.t('Upload cancelled; nothing partial was left on the server.'));
  }
  if (parts.length === 0) return;
  const message = parts.join(' ');
  if (failed.length > 0) {
    void showRunSummary(deps.log, 'error', message, retry);
  } else {
    void vscode.window.showInformationMessage(message);
  }
}

/**
 * Retry sends the files that failed while sending with the purposes already chosen (no picker again, validation
 * already done); files refused before sending (missing, a folder, too large) are not offered a retry.
 */
export function retryFailed(failed: UploadOutcome['failed'], visibility: FileVisibility | undefined): { retry?: () => unknown } {
  const sendable = failed.filter((f): f is { uri: vscode.Uri; error: string; purpose: FilePurpose } => f.purpose !== undefined);
  if (sendable.length === 0) return {};
  const rerun: UploadCommandOptions = {
    uris: sendable.map((f) => f.uri),
    purposes: sendable.map((f) => f.purpose),
    visibility,
    validation: 'off',
    saveDirty: true,
  };
  return { retry: () => vscode.commands.executeCommand('mistral.upload', rerun) };
}
