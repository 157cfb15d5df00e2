/**
 * The one way a file is validated in the extension, whoever asks (Validate JSONL File, the check before an upload,
 * live validation): an open document is checked as the user sees it, a file on disk is streamed (worker threads for
 * large ones), anything else is read through VS Code's file system. Runs over several files share one cancellable
 * progress and publish into the Problems collections.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateFile, validateText } from '../../validation/index';
import type { IntendedPurpose, ValidationResult } from '../../validation/types';
import type { Deps } from '../deps';
import { PercentProgress, withCancellableProgress } from '../shared/feedback';
import { summarize } from './diagnostics';

export interface ValidationTarget {
  uri: vscode.Uri;
  /** Overrides format detection. */
  purpose?: IntendedPurpose;
  /** Bytes on disk when the caller already knows them (the file is not stat-ed again). */
  size?: number;
}

export interface ValidatedFile {
  uri: vscode.Uri;
  result: ValidationResult;
}

export interface ValidateOneOptions {
  purpose?: IntendedPurpose;
  maxDiagnostics: number;
  signal?: AbortSignal;
  /** Bytes of the file read so far (files on disk only). */
  onProgress?: (processed: number) => void;
  /** Open documents: whether the editor's text is what counts even when it is saved (live validation). */
  preferDocument?: boolean;
  /** See ValidationOptions.tokens: 'exact' where the summary is shown. */
  tokens?: 'exact' | 'estimate';
}

/** Validates one file or document; rejects with an AbortError when the signal fires. */
export async function validateOne(uri: vscode.Uri, options: ValidateOneOptions): Promise<ValidationResult> {
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  // An untitled document has no real name; the file-name rules (".jsonl" extension) do not apply to it.
  const fileName = uri.scheme === 'untitled' ? undefined : uri.scheme === 'file' ? uri.fsPath : uri.path;
  const common = { purpose: options.purpose, maxDiagnostics: options.maxDiagnostics, fileName, tokens: options.tokens };
  if (document && (options.preferDocument || document.isDirty || uri.scheme !== 'file')) {
    // What the user sees is what gets checked; the disk copy is stale.
    return validateText(document.getText(), common);
  }
  if (uri.scheme === 'file') {
    return validateFile(uri.fsPath, { ...common, signal: options.signal, onProgress: options.onProgress });
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return validateText(new TextDecoder().decode(bytes), common);
}

export interface RunOptions {
  title: string;
  location?: vscode.ProgressLocation;
  /** Below this many bytes in all, progress shows in the status bar only: a notification would just flash. */
  quietBelowBytes?: number;
  /** See ValidationOptions.tokens. */
  tokens?: 'exact' | 'estimate';
  /** Shown beside the percent while several files run (their names by default). */
  showNames?: boolean;
}

/**
 * Validates every target under one cancellable progress (percent over all their bytes), publishes each result to
 * Problems and logs it. Rejects with an AbortError when cancelled.
 */
export async function runValidation(deps: Deps, targets: readonly ValidationTarget[], options: RunOptions): Promise<ValidatedFile[]> {
  const sizes = await Promise.all(
    targets.map(async ({ uri, size }) =>
      size ?? (uri.scheme === 'file' ? (await fs.stat(uri.fsPath).catch(() => undefined))?.size ?? 0 : 0)),
  );
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const location = options.quietBelowBytes !== undefined && totalBytes < options.quietBelowBytes ? vscode.ProgressLocation.Window : options.location;
  return withCancellableProgress({ title: options.title, location }, async (signal, progress) => {
    const percent = new PercentProgress(progress, totalBytes);
    const validated: ValidatedFile[] = [];
    let doneBytes = 0;
    for (const [index, target] of targets.entries()) {
      const name = path.basename(target.uri.path);
      const result = await validateOne(target.uri, {
        purpose: target.purpose,
        maxDiagnostics: deps.settings.maxProblems,
        tokens: options.tokens,
        signal,
        onProgress: (processed) =>
          percent.report(doneBytes + processed, (p) => (options.showNames && targets.length > 1 ? `${name} · ${p}%` : `${p}%`)),
      });
      if (signal.aborted) throw new DOMException('Validation cancelled', 'AbortError');
      doneBytes += sizes[index];
      deps.problems.publishRun(target.uri, result);
      deps.log.info(`Validated ${name} as ${result.format}: ${summarize(result)}`);
      validated.push({ uri: target.uri, result });
    }
    return validated;
  });
}

export function showProblemsPanel(): void {
  void vscode.commands.executeCommand('workbench.actions.view.problems');
}
