import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAbortError, errorMessage } from '../../../api/core/errors';
import type { MistralFile } from '../../../api/files/types';
import { joinInside, sanitizeFilename, uniqueFilename } from '../../../util/sanitizeFilename';
import { revealTarget } from '../../../util/revealTarget';
import type { Deps } from '../../deps';
import { ByteProgress, PercentProgress, showError, showRunSummary, withCancellableProgress } from '../../shared/feedback';
import { filesOrIdsFromArgs, splitOptions, isNotFound, toUri } from '../../shared/args';
import { mapSettled } from '../../shared/concurrency';
import { selectedOrPickedFiles } from './pickFiles';

/** `mistral.download(files, { destination })`: a file path for one file, or a folder (created if missing). */
export interface DownloadCommandOptions {
  destination?: vscode.Uri | string;
}
const LAST_FOLDER_KEY = 'mistral.download.lastFolder';
const CONCURRENT_DOWNLOADS = 3;

export function registerDownload(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.download', async (...rawArgs: unknown[]) => {
    const { first, second, options } = splitOptions<DownloadCommandOptions>(rawArgs, ['destination']);
    const args = filesOrIdsFromArgs(first, second);
    try {
      const files =
        args.length > 0
          ? await Promise.all(args.map(async (arg) => (typeof arg === 'string' ? deps.client.files.retrieve(arg) : arg)))
          : await selectedOrPickedFiles(deps, { canPickMany: true, title: vscode.l10n.t('Download from Mistral') });
      if (files.length === 0) return undefined;
      const destination = options?.destination !== undefined ? toUri(options.destination) : undefined;
      return files.length === 1 ? await downloadOne(deps, files[0], destination) : await downloadMany(deps, files, destination);
    } catch (err) {
      if (isNotFound(err)) deps.files.refresh();
      void showError(deps.log, err, vscode.l10n.t('Download failed'));
      return undefined;
    }
  });
}

/** Save dialog (sanitised default name), then one streamed download. Returns the saved Uri. */
async function downloadOne(deps: Deps, file: MistralFile, destination: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const safeName = sanitizeFilename(file.filename, file.id);
  let target: string;
  let reserved = false;
  if (destination) {
    const stat = await fs.stat(destination.fsPath).catch(() => undefined);
    reserved = stat?.isDirectory() === true;
    target = reserved ? await reserveName(destination.fsPath, safeName, new Set()) : destination.fsPath;
  } else {
    const chosen = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(await defaultFolder(deps), safeName)),
      saveLabel: vscode.l10n.t('Download'),
      title: vscode.l10n.t('Download "{0}" from Mistral', file.filename),
    });
    if (!chosen) return undefined;
    // The dialog already asked before replacing an existing file; the client replaces it only once the download is whole.
    target = chosen.fsPath;
  }
  await rememberFolder(deps, path.dirname(target));

  try {
    await withCancellableProgress({ title: vscode.l10n.t('Downloading "{0}"', file.filename) }, async (signal, progress) => {
      const bytes = new ByteProgress(progress);
      await deps.client.files.downloadToFile(file.id, target, {
        signal,
        onProgress: ({ transferred, total }) => bytes.report(transferred, total ?? file.bytes ?? undefined),
      });
    });
  } catch (err) {
    if (reserved) await releaseReservation(target);
    throw err;
  }
  deps.log.info(`Downloaded ${file.id} to ${target}`);
  const savedUri = vscode.Uri.file(target);
  offerOpen(savedUri, vscode.l10n.t('Downloaded "{0}" to {1}.', file.filename, target));
  return savedUri;
}

/** A folder picker, then every file into it under a unique name; a summary of what succeeded and failed. */
async function downloadMany(deps: Deps, files: readonly MistralFile[], destination: vscode.Uri | undefined): Promise<vscode.Uri[]> {
  let folder = destination?.fsPath;
  if (!folder) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.Uri.file(await defaultFolder(deps)),
      openLabel: vscode.l10n.t('Download Here'),
      title: vscode.l10n.t('Download {0} files from Mistral into…', files.length),
    });
    if (!picked?.[0]) return [];
    folder = picked[0].fsPath;
  }
  await fs.mkdir(folder, { recursive: true });
  await rememberFolder(deps, folder);

  // Names are reserved up front (empty placeholder files created exclusively), so two remote files with one name, or
  // a file that appears meanwhile, get " (1)" instead of being replaced.
  const taken = new Set<string>();
  const targets: string[] = [];
  for (const file of files) targets.push(await reserveName(folder, sanitizeFilename(file.filename, file.id), taken));

  const totalBytes = files.reduce((sum, file) => sum + (file.bytes ?? 0), 0);
  const received = new Array<number>(files.length).fill(0);
  const results = await withCancellableProgress(
    { title: vscode.l10n.t('Downloading {0} files', files.length) },
    async (signal, progress) => {
      let finished = 0;
      // Sizes the list does not know (bytes: null) count by finished files instead.
      const percent = new PercentProgress(progress, totalBytes > 0 ? totalBytes : files.length);
      const report = (): void => {
        const done = totalBytes > 0 ? received.reduce((a, b) => a + b, 0) : finished;
        percent.report(done, (p) => vscode.l10n.t('{0} of {1} files · {2}%', finished, files.length, p));
      };
      return mapSettled(
        files,
        CONCURRENT_DOWNLOADS,
        async (file, index) => {
          try {
            await deps.client.files.downloadToFile(file.id, targets[index], {
              signal,
              onProgress: ({ transferred }) => {
                received[index] = transferred;
                report();
              },
            });
          } catch (err) {
            await releaseReservation(targets[index]);
            throw err;
          }
          finished++;
          report();
          return vscode.Uri.file(targets[index]);
        },
        signal,
      );
    },
  );

  const saved: vscode.Uri[] = [];
  const failures: string[] = [];
  let cancelled = false;
  let notFound = false;
  results.forEach((result, index) => {
    if (result.ok) {
      saved.push(result.value);
      return;
    }
    const err = result.error;
    if (isAbortError(err)) {
      cancelled = true;
      void releaseReservation(targets[index]);
      return;
    }
    notFound ||= isNotFound(err);
    failures.push(`${files[index].filename}: ${errorMessage(err)}`);
    deps.log.error(`Download of ${files[index].id} failed: ${errorMessage(err)}`);
  });
  if (notFound) deps.files.refresh();
  deps.log.info(`Downloaded ${saved.length} of ${files.length} files into ${folder}`);

  const parts = [vscode.l10n.t('Downloaded {0} of {1} files into {2}.', saved.length, files.length, folder)];
  if (failures.length > 0) parts.push(vscode.l10n.t('Failed: {0}.', failures.join('; ')));
  if (cancelled) parts.push(vscode.l10n.t('Cancelled; no partial files were left.'));
  if (failures.length > 0) {
    void showRunSummary(deps.log, 'error', parts.join(' '));
  } else {
    offerOpen(vscode.Uri.file(folder), parts.join(' '), true);
  }
  return saved;
}

/** Picks a free name in `folder` and creates an empty placeholder exclusively, so nothing else can take it. */
async function reserveName(folder: string, name: string, taken: Set<string>): Promise<string> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = uniqueFilename(name, (c) => taken.has(c.toLowerCase()));
    taken.add(candidate.toLowerCase());
    const target = joinInside(folder, candidate);
    try {
      const handle = await fs.open(target, 'wx');
      await handle.close();
      return target;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(vscode.l10n.t('No free file name for {0} in {1}', name, folder));
}

/** Removes a placeholder left by a failed or cancelled download, only if it is still empty. */
async function releaseReservation(target: string): Promise<void> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (stat?.isFile() && stat.size === 0) await fs.rm(target, { force: true }).catch(() => undefined);
}

async function defaultFolder(deps: Deps): Promise<string> {
  const remembered = deps.context.workspaceState.get<string>(LAST_FOLDER_KEY);
  const candidates = [remembered, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, path.join(os.homedir(), 'Downloads'), os.homedir()];
  for (const candidate of candidates) {
    if (candidate && (await fs.stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  return os.homedir();
}

async function rememberFolder(deps: Deps, folder: string): Promise<void> {
  await deps.context.workspaceState.update(LAST_FOLDER_KEY, folder);
}

function osRevealLabel(): string {
  if (process.platform === 'darwin') return vscode.l10n.t('Reveal in Finder');
  if (process.platform === 'win32') return vscode.l10n.t('Reveal in File Explorer');
  return vscode.l10n.t('Open Containing Folder');
}

function offerOpen(uri: vscode.Uri, message: string, isFolder = false): void {
  const open = vscode.l10n.t('Open');
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const desktopLocal = vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined;
  const where = revealTarget(uri.fsPath, folders, desktopLocal);
  const reveal = where === 'explorer' ? vscode.l10n.t('Reveal in Explorer View') : where === 'os' ? osRevealLabel() : undefined;
  const actions = [...(isFolder ? [] : [open]), ...(reveal ? [reveal] : [])];
  void vscode.window.showInformationMessage(message, ...actions).then(async (answer) => {
    if (answer === open) await vscode.commands.executeCommand('vscode.open', uri);
    if (answer !== undefined && answer === reveal) {
      await vscode.commands.executeCommand(where === 'explorer' ? 'revealInExplorer' : 'revealFileInOS', uri);
    }
  });
}
