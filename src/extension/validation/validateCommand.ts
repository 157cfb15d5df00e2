import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateFile, validateText } from '../../validation/index';
import type { IntendedPurpose, ValidationResult } from '../../validation/types';
import type { ExtensionDeps } from '../deps';
import { showError } from '../errors';
import { withCancellableProgress } from '../progress';
import { summarize } from '../validation/diagnostics';
import { isJsonlDocument, LiveValidation } from '../validation/live';
import { showProblemsPanel } from '../validation/preUpload';
import { publishCommandResult } from '../validation/problems';
import { asOptions, toUri, urisFromArgs } from './shared/args';

/** Drives `mistral.validate` without UI. */
export interface ValidateCommandOptions {
  uris?: Array<vscode.Uri | string>;
  /** Overrides format detection. */
  purpose?: IntendedPurpose;
}
const OPTION_KEYS = ['uris', 'purpose'] as const;
// Below this a file validates in well under a second: the status bar is enough, a notification would only flash.
const NOTIFICATION_PROGRESS_BYTES = 20 * 1024 * 1024;

export interface ValidatedFile {
  uri: vscode.Uri;
  result: ValidationResult;
}

/** Registers `mistral.validate` and starts live validation of open `.jsonl` documents. */
export function registerValidate(deps: ExtensionDeps): vscode.Disposable {
  const live = new LiveValidation(deps);
  const command = vscode.commands.registerCommand('mistral.validate', async (first?: unknown, second?: unknown) => {
    const options = asOptions<ValidateCommandOptions>(first, OPTION_KEYS) ?? {};
    let uris = options.uris ? options.uris.map(toUri) : urisFromArgs(first, second);
    if (uris.length === 0) {
      const document = vscode.window.activeTextEditor?.document;
      if (document && isJsonlDocument(document)) uris = [document.uri];
    }
    if (uris.length === 0) uris = await pickJsonlFiles();
    if (uris.length === 0) return undefined;
    try {
      const validated = await validateAll(deps, uris, options.purpose);
      if (validated === undefined) return undefined;
      reportSummary(validated);
      return validated;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Validation failed'));
      return undefined;
    }
  });
  return vscode.Disposable.from(live, command);
}

/** Validates each target: an open document as it is in the editor, anything else from disk. Undefined if cancelled. */
async function validateAll(
  deps: ExtensionDeps,
  uris: readonly vscode.Uri[],
  purpose: IntendedPurpose | undefined,
): Promise<ValidatedFile[] | undefined> {
  const openDocuments = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const sizes = await Promise.all(
    uris.map(async (uri) => (uri.scheme === 'file' ? (await fs.stat(uri.fsPath).catch(() => undefined))?.size ?? 0 : 0)),
  );
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const title =
    uris.length === 1
      ? vscode.l10n.t('Validating "{0}"', path.basename(uris[0].path))
      : vscode.l10n.t('Validating {0} files', uris.length);
  const location = totalBytes >= NOTIFICATION_PROGRESS_BYTES ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  const maxDiagnostics = deps.settings.maxProblems;

  return withCancellableProgress({ title, location }, async (signal, progress) => {
    const validated: ValidatedFile[] = [];
    let doneBytes = 0;
    let reported = 0;
    for (const [index, uri] of uris.entries()) {
      const document = openDocuments.get(uri.toString());
      const fileName = uri.path;
      let result: ValidationResult;
      if (document && (document.isDirty || uri.scheme !== 'file')) {
        // What the user sees is what gets checked; the disk copy is stale.
        result = validateText(document.getText(), { purpose, maxDiagnostics, fileName });
      } else if (uri.scheme === 'file') {
        result = await validateFile(uri.fsPath, {
          purpose,
          maxDiagnostics,
          fileName: uri.fsPath,
          signal,
          onProgress: (processed: number) => {
            const percent = totalBytes > 0 ? Math.floor(((doneBytes + processed) * 100) / totalBytes) : 0;
            if (percent > reported) {
              progress.report({ increment: percent - reported, message: `${percent}%` });
              reported = percent;
            }
          },
        });
      } else {
        const bytes = await vscode.workspace.fs.readFile(uri);
        result = validateText(new TextDecoder().decode(bytes), { purpose, maxDiagnostics, fileName });
      }
      if (signal.aborted) return undefined;
      doneBytes += sizes[index];
      publishCommandResult(deps, uri, result);
      deps.log.info(`Validated ${path.basename(uri.path)} as ${result.format}: ${summarize(result)}`);
      validated.push({ uri, result });
    }
    return validated;
  });
}

function reportSummary(validated: readonly ValidatedFile[]): void {
  const showProblems = vscode.l10n.t('Show Problems');
  const errors = validated.reduce((sum, v) => sum + v.result.summary.errors, 0);
  const warnings = validated.reduce((sum, v) => sum + v.result.summary.warnings, 0);
  const message =
    validated.length === 1
      ? `${path.basename(validated[0].uri.path)} (${formatName(validated[0].result.format)}): ${summarize(validated[0].result)}`
      : vscode.l10n.t(
          'Validated {0} files: {1} error(s), {2} warning(s). {3}',
          validated.length,
          errors,
          warnings,
          validated
            .filter((v) => v.result.summary.errors + v.result.summary.warnings > 0)
            .map((v) =>
              vscode.l10n.t('{0}: {1} error(s), {2} warning(s)', path.basename(v.uri.path), v.result.summary.errors, v.result.summary.warnings),
            )
            .join('; '),
        );
  const show = errors > 0 ? vscode.window.showErrorMessage : warnings > 0 ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const actions = errors + warnings > 0 ? [showProblems] : [];
  void show(message, ...actions).then((answer) => {
    if (answer === showProblems) showProblemsPanel();
  });
}

function formatName(format: string): string {
  switch (format) {
    case 'instruct':
      return vscode.l10n.t('fine-tune, instruct');
    case 'pretrain':
      return vscode.l10n.t('fine-tune, pretrain');
    case 'batch':
      return vscode.l10n.t('batch requests');
    default:
      return vscode.l10n.t('format not recognised');
  }
}

async function pickJsonlFiles(): Promise<vscode.Uri[]> {
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: vscode.l10n.t('Validate'),
    title: vscode.l10n.t('Validate JSONL File'),
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'], [vscode.l10n.t('All files')]: ['*'] },
  });
  return uris ?? [];
}
