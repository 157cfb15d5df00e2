/**
 * Run OCR / Transcribe on what the command was given: one file goes through the single-file run of documentFlow; a
 * selection of several (Explorer or Files view) is read one file after the other under one progress, questions asked
 * once for the whole run, and one summary at the end.
 */
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MistralApiError, errorMessage, isAbortError } from '../../api/core/errors';
import { outputStem } from '../../api/documents/output';
import { purposeInfo } from '../../purposes/purposes';
import { joinInside, uniqueFilename } from '../../util/sanitizeFilename';
import type { Deps } from '../deps';
import { listNames } from '../shared/args';
import { showError, showRunSummary, withCancellableProgress, type ProgressSink } from '../shared/feedback';
import { checkUploads } from '../shared/uploadChecks';
import {
  givenFolder, pickOutputFolder, resolveRemote, runOneDocument, sourcesFromArgs, uploadSource,
  type DocumentCommandOptions, type DocumentJob, type DocumentOutcome, type DocumentSource, type ResolvedSource,
} from './documentFlow';

/** What a run over several files did; the command's result (tests, other extensions). */
export interface DocumentRunOutcome {
  /** Each file read and saved, in selection order. */
  done: Array<{ source: string; fileId: string; markdown: vscode.Uri; images: vscode.Uri[] }>;
  /** Files that could not be read, with why (the detail is in the log). */
  failed: Array<{ source: string; error: string }>;
  /** Files not sent: of a type the command does not read, or not on this machine. */
  skipped: Array<{ source: string; reason: string }>;
  /** Cancel was pressed: the files not reached are neither done nor failed. */
  cancelled: boolean;
  /** The one message shown at the end; undefined when a question was dismissed before anything was sent. */
  summary?: string;
}

/** The command's whole run: one file as before, several as one run with one summary. */
export async function runDocumentJob<T>(deps: Deps, args: readonly unknown[], job: DocumentJob<T>): Promise<DocumentOutcome | DocumentRunOutcome | undefined> {
  const { sources, options } = sourcesFromArgs(args);
  if (sources.length > 1) return runSeveral(deps, sources, options, job);
  return runOneDocument(deps, sources[0], options, job);
}

interface Planned {
  source: ResolvedSource;
  size: number;
  target?: vscode.Uri;
  /** A result was at `target` when the run was planned and the user chose to replace it; nothing else is replaced. */
  replace?: boolean;
}

async function runSeveral<T>(deps: Deps, sources: readonly DocumentSource[], options: DocumentCommandOptions, job: DocumentJob<T>): Promise<DocumentRunOutcome> {
  const outcome: DocumentRunOutcome = { done: [], failed: [], skipped: [], cancelled: false };
  const notTaken: string[] = [];
  const retryable: ResolvedSource[] = [];
  let planned: Planned[];
  let placement: vscode.Uri | 'beside' | undefined;
  let ifExists = options.ifExists;
  try {
    planned = await sortOut(deps, sources, job.purpose, outcome, notTaken);
    const checked = await checkUploads(planned.filter((item) => item.source.kind === 'local').map((item) => ({ ...item, uri: (item.source as { uri: vscode.Uri }).uri, purpose: job.purpose })));
    for (const { file, message } of checked.refused) outcome.failed.push({ source: file.source.name, error: message });
    planned = planned.filter((item) => !checked.refused.some((refused) => refused.file.source === item.source));
    if (planned.length > 0 && checked.warnings.length > 0 && options.force !== true) {
      const upload = vscode.l10n.t('Upload Anyway');
      const answer = await vscode.window.showWarningMessage(checked.warnings.join(' '), { modal: true }, upload);
      if (answer !== upload) return { ...outcome, cancelled: true };
    }
    if (planned.length > 0) {
      const allLocal = planned.every((item) => item.source.kind === 'local');
      // 'beside' means nothing for remote files, so it is asked then, as when no folder was given.
      const given = options.folder === 'beside' ? (allLocal ? 'beside' : undefined) : givenFolder(options.folder, planned[0].source);
      placement = given ?? (await askPlacement(planned.length, allLocal, job.workspaceFolder));
      if (!placement) return { ...outcome, cancelled: true };
      const targets = await planTargets(planned, placement, job, ifExists);
      if (!targets) return { ...outcome, cancelled: true };
      ifExists = targets.ifExists;
      targets.names.forEach((target, index) => {
        planned[index].target = target;
        planned[index].replace = existsSync(target.fsPath);
      });
    }
  } catch (err) {
    void showError(deps.log, err, job.failed(listNames(sources.map((source) => source.name))));
    return outcome;
  }

  const notReached: string[] = [];
  if (planned.length > 0) {
    await withCancellableProgress({ title: job.several.progressTitle(planned.length) }, async (signal, progress) => {
      for (const [index, item] of planned.entries()) {
        if (signal.aborted) {
          notReached.push(item.source.name);
          continue;
        }
        const prefix = vscode.l10n.t('{0} of {1}: "{2}"', index + 1, planned.length, item.source.name);
        const sink: ProgressSink = { report: ({ message, increment }) => progress.report({ message: message ? `${prefix} · ${message}` : prefix, increment }) };
        sink.report({});
        try {
          const fileId = item.source.kind === 'local' ? (await uploadSource(deps, item.source.uri, job.purpose, signal, sink)).id : item.source.file.id;
          sink.report({ message: job.working });
          const result = await job.call(fileId, signal);
          const finished = await job.finish({ result, fileId, source: item.source, target: item.target, replace: item.replace === true, open: false });
          if (finished.markdown) outcome.done.push({ source: item.source.name, fileId, markdown: finished.markdown, images: finished.images });
        } catch (err) {
          // Cancel stops the request in flight; that file is not a failure, only not read.
          if (isAbortError(err) || signal.aborted) {
            notReached.push(item.source.name);
            continue;
          }
          outcome.failed.push({ source: item.source.name, error: errorMessage(err) });
          retryable.push(item.source);
          deps.log.error(`${job.failed(item.source.name)}: ${err instanceof MistralApiError ? err.describe() : errorMessage(err)}`);
        }
        progress.report({ increment: 100 / planned.length });
      }
      outcome.cancelled = signal.aborted;
    });
  }

  outcome.summary = summarize(outcome, job, notTaken, notReached, planned);
  const actions = {
    retryLabel: vscode.l10n.t('Retry Failed'),
    retry: retryable.length > 0 ? () => retryFailed(job, retryable, options, placement, ifExists) : undefined,
    // n editors, each with its preview, would bury the user's layout; the results are on disk beside their sources (or
    // in the one folder chosen), so the summary names them and *Open Results* opens the one the user picks.
    more: outcome.done.length > 0 ? [{ title: outcome.done.length === 1 ? vscode.l10n.t('Open Result') : vscode.l10n.t('Open Results'), run: () => openResults(job, outcome.done) }] : [],
  };
  const severity = outcome.failed.length > 0 ? (outcome.done.length > 0 ? 'warning' : 'error') : outcome.done.length > 0 ? 'info' : 'warning';
  void showRunSummary(deps.log, severity, outcome.summary, actions);
  return outcome;
}

/**
 * The files to send, in selection order: remote ids are looked up (for their names); folders, files of another type
 * and files not on this machine are skipped, missing files fail. Nothing is sent yet.
 */
async function sortOut(
  deps: Deps,
  sources: readonly DocumentSource[],
  purpose: 'ocr' | 'audio',
  outcome: DocumentRunOutcome,
  notTaken: string[],
): Promise<Planned[]> {
  const extensions: readonly string[] = purposeInfo(purpose)?.extensions ?? [];
  const takes = (name: string): boolean => extensions.includes(path.extname(name).slice(1).toLowerCase());
  const skip = (source: string): void => {
    notTaken.push(source);
    outcome.skipped.push({ source, reason: vscode.l10n.t('not a type this command reads') });
  };
  const planned: Planned[] = [];
  for (const given of sources) {
    if (given.kind === 'remote') {
      try {
        const source = await resolveRemote(deps, given);
        if (takes(source.name)) planned.push({ source, size: source.file.bytes ?? 0 });
        else skip(source.name);
      } catch (err) {
        // Not offered a retry: an id that cannot be looked up is gone or mistyped.
        outcome.failed.push({ source: given.name, error: errorMessage(err) });
        deps.log.error(`Could not look up ${given.name}: ${err instanceof MistralApiError ? err.describe() : errorMessage(err)}`);
      }
      continue;
    }
    if (given.uri.scheme !== 'file') {
      outcome.skipped.push({ source: given.name, reason: vscode.l10n.t('only files on this machine can be sent to Mistral') });
      continue;
    }
    const stat = await fs.stat(given.uri.fsPath).catch(() => undefined);
    if (!stat) outcome.failed.push({ source: given.name, error: vscode.l10n.t('file not found') });
    else if (!stat.isFile() || !takes(given.name)) skip(given.name);
    else planned.push({ source: given, size: stat.size });
  }
  return planned;
}

/** Where the results of several files go, asked once: beside each file (local files only), a workspace folder, or any folder. */
function askPlacement(count: number, allLocal: boolean, defaultFolderName: string): Promise<vscode.Uri | 'beside' | undefined> {
  return pickOutputFolder(
    allLocal ? { label: vscode.l10n.t('Beside Each File'), description: vscode.l10n.t('each result in the folder of its file'), value: 'beside' as const } : undefined,
    defaultFolderName,
    { title: vscode.l10n.t('Save the results of {0} files', count), placeHolder: vscode.l10n.t('Where should the Markdown files and their images go?') },
  );
}

/**
 * Each file's Markdown path. Results that exist already are replaced or kept beside (numbered) as `ifExists` says, or
 * as the user answers once for all of them; two files of this run with the same name (report.pdf and report.png
 * beside each other) never write over each other: the later gets a number. Undefined when the question is dismissed.
 */
async function planTargets<T>(
  planned: readonly Planned[],
  placement: vscode.Uri | 'beside',
  job: DocumentJob<T>,
  ifExists: 'replace' | 'keepBoth' | undefined,
): Promise<{ names: vscode.Uri[]; ifExists: 'replace' | 'keepBoth' | undefined } | undefined> {
  const wanted = planned.map((item) => {
    const folder = placement === 'beside' && item.source.kind === 'local' ? path.dirname(item.source.uri.fsPath) : (placement as vscode.Uri).fsPath;
    return { folder, name: job.outputName(outputStem(item.source.name)) };
  });
  const existing = wanted.filter(({ folder, name }) => existsSync(path.join(folder, name)));
  let choice = ifExists;
  if (existing.length > 0 && !choice) {
    const replace = vscode.l10n.t('Replace');
    const keepBoth = vscode.l10n.t('Keep Both');
    const answer = await vscode.window.showWarningMessage(
      existing.length === 1
        ? vscode.l10n.t('"{0}" already exists.', existing[0].name)
        : vscode.l10n.t('{0} results already exist: {1}.', existing.length, listNames(existing.map(({ name }) => name))),
      { modal: true, detail: vscode.l10n.t('Replace them with the new results, or keep both (the new ones get a number)?') },
      replace,
      keepBoth,
    );
    choice = answer === replace ? 'replace' : answer === keepBoth ? 'keepBoth' : undefined;
    if (!choice) return undefined;
  }
  const reserved = new Set<string>();
  const names = wanted.map(({ folder, name }) => {
    const inRun = (candidate: string): boolean => reserved.has(path.join(folder, candidate));
    const onDisk = (candidate: string): boolean => existsSync(path.join(folder, candidate));
    const chosen = inRun(name) || (onDisk(name) && choice === 'keepBoth') ? uniqueFilename(name, (candidate) => inRun(candidate) || onDisk(candidate)) : name;
    reserved.add(path.join(folder, chosen));
    return vscode.Uri.file(joinInside(folder, chosen));
  });
  return { names, ifExists: choice };
}

function summarize<T>(outcome: DocumentRunOutcome, job: DocumentJob<T>, notTaken: readonly string[], notReached: readonly string[], planned: readonly Planned[]): string {
  const parts: string[] = [];
  if (outcome.done.length > 0) parts.push(job.several.saved(listNames(outcome.done.map((done) => done.source))));
  const renamed = outcome.done.filter((done) => {
    const item = planned.find((p) => p.target?.fsPath === done.markdown.fsPath);
    return item && path.basename(done.markdown.fsPath) !== job.outputName(outputStem(item.source.name));
  });
  if (renamed.length > 0) parts.push(vscode.l10n.t('Saved under a new name, the existing file kept: {0}.', listNames(renamed.map((done) => path.basename(done.markdown.fsPath)))));
  if (outcome.failed.length > 0) parts.push(vscode.l10n.t('Failed: {0}.', outcome.failed.map((failed) => `"${failed.source}": ${failed.error}`).join('; ')));
  if (notTaken.length > 0) parts.push(job.several.notTaken(listNames(notTaken)));
  const otherSkips = outcome.skipped.filter((skipped) => !notTaken.includes(skipped.source));
  if (otherSkips.length > 0) parts.push(vscode.l10n.t('Skipped: {0}.', otherSkips.map((skipped) => `"${skipped.source}" (${skipped.reason})`).join('; ')));
  if (notReached.length > 0) parts.push(vscode.l10n.t('Cancelled; not read: {0}.', listNames(notReached)));
  if (parts.length === 0) parts.push(vscode.l10n.t('Nothing was read.'));
  return parts.join(' ');
}

/** The failed files again, as one new run with the answers of this one (folder, replace or keep both, warnings accepted). */
function retryFailed<T>(job: DocumentJob<T>, failed: readonly ResolvedSource[], options: DocumentCommandOptions, placement: vscode.Uri | 'beside' | undefined, ifExists: 'replace' | 'keepBoth' | undefined): Thenable<unknown> {
  const args = failed.map((source) => (source.kind === 'local' ? source.uri : source.file));
  const rerun: DocumentCommandOptions = { ...options, force: true, ...(placement ? { folder: placement } : {}), ...(ifExists ? { ifExists } : {}) };
  // The Explorer's shape (clicked, selected[], options), which the Files view's shares.
  return vscode.commands.executeCommand(job.command, args[0], args, rerun);
}

async function openResults<T>(job: DocumentJob<T>, done: DocumentRunOutcome['done']): Promise<void> {
  if (done.length === 1) return job.show(done[0].markdown);
  const picked = await vscode.window.showQuickPick(
    done.map((result) => ({ label: path.basename(result.markdown.fsPath), description: vscode.workspace.asRelativePath(path.dirname(result.markdown.fsPath), true), result })),
    { title: vscode.l10n.t('Open a Result'), placeHolder: vscode.l10n.t('The results of this run') },
  );
  if (picked) await job.show(picked.result.markdown);
}
