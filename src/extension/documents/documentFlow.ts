/**
 * What Run OCR and Transcribe share: the files the command was run on (local files from the Explorer or an editor,
 * or remote ones from the Files view), the checked upload of a local file, the folder the result is saved in, the
 * question before replacing a file, opening the result, and the run on one file (several: documentRun.ts).
 */
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MistralFile } from '../../api/files/types';
import { purposeInfo } from '../../purposes/purposes';
import { joinInside, uniqueFilename } from '../../util/sanitizeFilename';
import { isAbortError } from '../../api/core/errors';
import { outputStem } from '../../api/documents/output';
import type { Deps } from '../deps';
import { toUri, urisFromArgs } from '../shared/args';
import { fileOrIdFromArg, filesOrIdsFromArgs, isMistralFile } from '../shared/fileArgs';
import { showError, withCancellableProgress, type ProgressSink } from '../shared/feedback';
import { checkUploads } from '../shared/uploadChecks';

/** Drives `mistral.runOcr` / `mistral.transcribe` without UI (tests, other extensions). */
export interface DocumentCommandOptions {
  /** A local file to upload and read. */
  uri?: vscode.Uri | string;
  /** A file already uploaded (its id, or the file). */
  file?: MistralFile | string;
  /**
   * 'save': Markdown (and images) written to a folder; 'view': a read-only editor, nothing saved. Asked for one remote
   * file; the results of several files are always saved.
   */
  output?: 'save' | 'view';
  /**
   * Where to save; asked when absent (default: beside the local file, or a folder in the workspace). 'beside': beside
   * each local file (what a run over several files offers first).
   */
  folder?: vscode.Uri | string;
  /** When the Markdown file exists already; asked when absent (once for a run over several files). */
  ifExists?: 'replace' | 'keepBoth';
  /** Upload a local file even when its type is only possibly accepted (skips the warning's question). */
  force?: boolean;
  /** OCR: pages to read, e.g. "0,2-4" (from 0); all when absent. */
  pages?: string;
  /** OCR of a long document, viewed read-only: open this page (from 1) on its own. */
  page?: number;
}
export const DOCUMENT_OPTION_KEYS = ['uri', 'file', 'output', 'folder', 'ifExists', 'force', 'pages', 'page'] as const;

export type DocumentSource = { kind: 'local'; uri: vscode.Uri; name: string } | { kind: 'remote'; file: MistralFile | string; name: string };
export type ResolvedSource = { kind: 'local'; uri: vscode.Uri; name: string } | { kind: 'remote'; file: MistralFile; name: string };

export interface DocumentOutcome {
  fileId?: string;
  /** The saved Markdown, or the read-only document shown. */
  markdown?: vscode.Uri;
  images: vscode.Uri[];
  /** Why nothing was done (a refused type, a dismissed question). */
  stopped?: 'refused' | 'cancelled';
}

/** The first source of a command's arguments (see sourcesFromArgs); undefined when none was given. */
export function sourceFromArgs(args: readonly unknown[]): { source: DocumentSource | undefined; options: DocumentCommandOptions } {
  const { sources, options } = sourcesFromArgs(args);
  return { source: sources[0], options };
}

/**
 * The sources from a command's arguments: Explorer (clicked, selected[]) gives the whole selection, editor menus
 * (uri, context) one file, the Files view (node, selected nodes[]) its selection, options one `uri` or `file`.
 */
export function sourcesFromArgs(args: readonly unknown[]): { sources: DocumentSource[]; options: DocumentCommandOptions } {
  const [first, second] = args;
  const options = asDocumentOptions(first) ?? asDocumentOptions(args[args.length - 1]) ?? {};
  if (options.uri !== undefined) return { sources: [local(toUri(options.uri))], options };
  if (options.file !== undefined) return { sources: [remote(options.file)], options };
  // A string is a path here (tests and other extensions pass one), never a file id.
  if (fileOrIdFromArg(first) !== undefined && !(first instanceof vscode.Uri) && typeof first !== 'string') {
    return { sources: filesOrIdsFromArgs(first, second).map(remote), options };
  }
  return { sources: urisFromArgs(first, second).map(local), options };
}

function local(uri: vscode.Uri): DocumentSource {
  return { kind: 'local', uri, name: path.basename(uri.fsPath) };
}

/** An options object: not a Uri, a file or a Files-view node (`{ kind, file }`), and naming at least one option. */
function asDocumentOptions(value: unknown): DocumentCommandOptions | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof vscode.Uri || 'kind' in value || isMistralFile(value)) return undefined;
  return DOCUMENT_OPTION_KEYS.some((key) => key in value) ? (value as DocumentCommandOptions) : undefined;
}

function remote(file: MistralFile | string): DocumentSource {
  return { kind: 'remote', file, name: typeof file === 'string' ? file : file.filename || file.id };
}

/** A remote source given by id is looked up once, for its name (the result is named after it). */
export async function resolveRemote(deps: Deps, source: DocumentSource & { kind: 'remote' }): Promise<ResolvedSource & { kind: 'remote' }> {
  const file = typeof source.file === 'string' ? await deps.client.files.retrieve(source.file) : source.file;
  return { kind: 'remote', file, name: file.filename || file.id };
}

/** With no argument: the active editor's file when its type fits the purpose, else an open dialog filtered to it. */
export async function pickLocalSource(purpose: 'ocr' | 'audio', title: string): Promise<DocumentSource | undefined> {
  const info = purposeInfo(purpose);
  const active = vscode.window.activeTextEditor?.document.uri;
  const extensions: readonly string[] = info?.extensions ?? [];
  if (active?.scheme === 'file' && extensions.includes(path.extname(active.fsPath).slice(1).toLowerCase())) {
    return { kind: 'local', uri: active, name: path.basename(active.fsPath) };
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: title,
    title,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { [info?.filterName(vscode.l10n) ?? purpose]: [...extensions], [vscode.l10n.t('All files')]: ['*'] },
  });
  return picked?.[0] && { kind: 'local', uri: picked[0], name: path.basename(picked[0].fsPath) };
}

/**
 * The purpose's checks for a local file: a refusal is shown (naming what the purpose takes) and stops the command;
 * a warning asks whether to go on, unless `force`. True when the file may be uploaded.
 */
export async function checkLocalSource(uri: vscode.Uri, purpose: 'ocr' | 'audio', force: boolean): Promise<boolean> {
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(vscode.l10n.t('Only files on this machine can be sent to Mistral.'));
    return false;
  }
  const stat = await fs.stat(uri.fsPath).catch(() => undefined);
  if (!stat?.isFile()) {
    void vscode.window.showErrorMessage(vscode.l10n.t('"{0}" is not a file.', path.basename(uri.fsPath)));
    return false;
  }
  const checked = await checkUploads([{ uri, size: stat.size, purpose }]);
  if (checked.refused.length > 0) {
    void vscode.window.showErrorMessage(checked.refused[0].message);
    return false;
  }
  if (checked.warnings.length === 0 || force) return true;
  const upload = vscode.l10n.t('Upload Anyway');
  const answer = await vscode.window.showWarningMessage(checked.warnings.join(' '), { modal: true }, upload);
  return answer === upload;
}

/** Uploads a checked local file with the purpose, reporting bytes sent; resolves with the file id. */
export async function uploadSource(deps: Deps, uri: vscode.Uri, purpose: 'ocr' | 'audio', signal: AbortSignal, progress: ProgressSink): Promise<MistralFile> {
  let reported = 0;
  const file = await deps.client.files.upload(uri.fsPath, {
    purpose,
    visibility: deps.settings.defaultVisibility,
    signal,
    onProgress: ({ transferred, total }) => {
      const percent = total ? Math.floor((transferred * 100) / total) : 0;
      if (percent < reported + 10 && percent < 100) return;
      reported = percent;
      progress.report({ message: vscode.l10n.t('uploading… {0}%', percent) });
    },
  });
  deps.log.info(`Uploaded ${path.basename(uri.fsPath)} as ${file.id} (${purpose}) for ${purpose === 'ocr' ? 'OCR' : 'transcription'}`);
  deps.files.refresh(purpose);
  return file;
}

/** For a remote file: save the result, or open it read-only with nothing written. Undefined when dismissed. */
export async function askOutput(name: string): Promise<'save' | 'view' | undefined> {
  const view = { label: vscode.l10n.t('Open Read-Only'), detail: vscode.l10n.t('Show the result in an editor and its preview; nothing is saved'), output: 'view' as const };
  const save = { label: vscode.l10n.t('Save to a Folder…'), detail: vscode.l10n.t('Write the Markdown (and images) to a folder you choose'), output: 'save' as const };
  const picked = await vscode.window.showQuickPick([view, save], { title: vscode.l10n.t('Result of "{0}"', name), placeHolder: vscode.l10n.t('Open the result or save it?') });
  return picked?.output;
}

/**
 * The folder to save in: beside the local file, or `<workspace>/<defaultFolderName>` for a remote one, offered first
 * (Enter takes it), with the other place and any folder as alternatives. Undefined when dismissed.
 */
export function chooseFolder(source: DocumentSource, defaultFolderName: string): Promise<vscode.Uri | undefined> {
  const beside = source.kind === 'local' ? vscode.Uri.file(path.dirname(source.uri.fsPath)) : undefined;
  return pickOutputFolder(
    beside && { label: vscode.l10n.t('Beside "{0}"', source.name), description: vscode.workspace.asRelativePath(beside, true), value: beside },
    defaultFolderName,
    { title: vscode.l10n.t('Save the result of "{0}"', source.name), placeHolder: vscode.l10n.t('Where should the Markdown and its images go?') },
  );
}

/**
 * Where results go, for one file or several: a first row for beside the source(s) when that applies, the workspace's
 * `defaultFolderName/`, or any folder (a folder dialog). Undefined when dismissed.
 */
export async function pickOutputFolder<B>(
  beside: { label: string; description?: string; value: B } | undefined,
  defaultFolderName: string,
  texts: { title: string; placeHolder: string },
): Promise<vscode.Uri | B | undefined> {
  interface FolderItem extends vscode.QuickPickItem { choice?: vscode.Uri | B }
  const items: FolderItem[] = [];
  if (beside) items.push({ label: beside.label, description: beside.description, choice: beside.value });
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (workspace) {
    const folder = vscode.Uri.joinPath(workspace, defaultFolderName);
    items.push({ label: vscode.l10n.t('In "{0}/" of the workspace', defaultFolderName), description: vscode.workspace.asRelativePath(folder, true), choice: folder });
  }
  items.push({ label: vscode.l10n.t('Choose a Folder…') });
  const picked = await vscode.window.showQuickPick(items, texts);
  if (!picked) return undefined;
  if (picked.choice !== undefined) return picked.choice;
  const chosen = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: vscode.l10n.t('Save Here'), defaultUri: workspace });
  return chosen?.[0];
}

/**
 * The name to write `fileName` under in `folder`: itself when free; when taken, the user says (or `ifExists` says)
 * whether to replace it or keep both (`name (1).md`). Undefined when dismissed.
 */
export async function resolveTarget(folder: vscode.Uri, fileName: string, ifExists: 'replace' | 'keepBoth' | undefined): Promise<string | undefined> {
  const exists = (name: string): boolean => existsSync(path.join(folder.fsPath, name));
  if (!exists(fileName)) return fileName;
  let choice = ifExists;
  if (!choice) {
    const replace = vscode.l10n.t('Replace');
    const keepBoth = vscode.l10n.t('Keep Both');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('"{0}" already exists in {1}.', fileName, vscode.workspace.asRelativePath(folder, true)),
      { modal: true, detail: vscode.l10n.t('Replace it with the new result, or keep both (the new one gets a number)?') },
      replace,
      keepBoth,
    );
    choice = answer === replace ? 'replace' : answer === keepBoth ? 'keepBoth' : undefined;
  }
  if (choice === 'replace') return fileName;
  if (choice === 'keepBoth') return uniqueFilename(fileName, exists);
  return undefined;
}

/** Opens Markdown in an editor with its rendered preview beside it. */
export async function openWithPreview(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.One });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
}

/** What differs between Run OCR and Transcribe; `runDocumentJob` does the rest. */
export interface DocumentJob<T> {
  command: 'mistral.runOcr' | 'mistral.transcribe';
  purpose: 'ocr' | 'audio';
  /** The open dialog's title when no file was given. */
  pickTitle: string;
  /** The workspace folder offered for a remote file's result. */
  workspaceFolder: string;
  /** The result's file name for a source stem ("report" → "report.md"). */
  outputName(stem: string): string;
  progressTitle(name: string): string;
  /** The progress message while the service works. */
  working: string;
  failed(name: string): string;
  /** The billed call, on the uploaded file. */
  call(fileId: string, signal: AbortSignal): Promise<T>;
  /**
   * Writes or shows the result; `target` is set when it is to be saved. `replace`: the file at `target` may be
   * replaced (it was there and the user chose to); otherwise a file that appeared meanwhile is left alone. `open`: show
   * it (and say where it went), as for one file; false in a run over several files, which ends with one summary.
   */
  finish(run: { result: T; fileId: string; source: ResolvedSource; target: vscode.Uri | undefined; replace: boolean; open: boolean }): Promise<DocumentOutcome>;
  /** Opens a saved result, as `finish` does for one file. */
  show(uri: vscode.Uri): Promise<void>;
  /** The texts of a run over several files. */
  several: {
    progressTitle(count: number): string;
    /** "Saved the OCR of {list}." */
    saved(names: string): string;
    /** Files of another type in the selection, e.g. "Skipped, not a document or image: {list}." */
    notTaken(names: string): string;
  };
}

/** The folder named by the options: a path or URI, or 'beside' a local file. Undefined when it is to be asked. */
export function givenFolder(folder: vscode.Uri | string | undefined, source: DocumentSource): vscode.Uri | undefined {
  if (folder === undefined) return undefined;
  if (folder === 'beside') return source.kind === 'local' ? vscode.Uri.file(path.dirname(source.uri.fsPath)) : undefined;
  return toUri(folder);
}

/**
 * A run on one file: the file (argument, active editor or dialog), the purpose's checks, where the result goes
 * (settled before the billed call), the upload and the call under one cancellable progress, then `finish`. A failure
 * is shown with *Retry*; a cancellation or dismissed question ends quietly.
 */
export async function runOneDocument<T>(deps: Deps, given: DocumentSource | undefined, options: DocumentCommandOptions, job: DocumentJob<T>): Promise<DocumentOutcome | undefined> {
  const source = given ?? (await pickLocalSource(job.purpose, job.pickTitle));
  if (!source) return undefined;
  const stopped = (why: 'refused' | 'cancelled'): DocumentOutcome => ({ images: [], stopped: why });
  try {
    if (source.kind === 'local' && !(await checkLocalSource(source.uri, job.purpose, options.force === true))) return stopped('refused');
    const resolved = source.kind === 'remote' ? await resolveRemote(deps, source) : source;
    const output = options.output ?? (resolved.kind === 'local' ? 'save' : await askOutput(resolved.name));
    if (!output) return stopped('cancelled');
    let target: vscode.Uri | undefined;
    // Only a file there now, which the user chose to replace; a name free now is never taken from a file that
    // appears while the service works.
    let replace = false;
    if (output === 'save') {
      const folder = givenFolder(options.folder, resolved) ?? (await chooseFolder(resolved, job.workspaceFolder));
      if (!folder) return stopped('cancelled');
      const name = await resolveTarget(folder, job.outputName(outputStem(resolved.name)), options.ifExists);
      if (!name) return stopped('cancelled');
      target = vscode.Uri.file(joinInside(folder.fsPath, name));
      replace = existsSync(target.fsPath);
    }
    const { fileId, result } = await withCancellableProgress({ title: job.progressTitle(resolved.name) }, async (signal, progress) => {
      const id = resolved.kind === 'local' ? (await uploadSource(deps, resolved.uri, job.purpose, signal, progress)).id : resolved.file.id;
      progress.report({ message: job.working });
      return { fileId: id, result: await job.call(id, signal) };
    });
    return await job.finish({ result, fileId, source: resolved, target, replace, open: true });
  } catch (err) {
    if (isAbortError(err)) return stopped('cancelled');
    void showError(deps.log, err, job.failed(source.name), {
      retry: () => vscode.commands.executeCommand(job.command, { ...options, ...(source.kind === 'local' ? { uri: source.uri } : { file: source.file }) }),
    });
    return undefined;
  }
}
