import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IntendedPurpose } from '../../validation/types';
import type { Deps } from '../deps';
import { asOptions, toUri, urisFromArgs } from '../shared/args';
import { showError } from '../shared/feedback';
import { summarize } from './diagnostics';
import { isJsonlDocument } from './live';
import { runValidation, showProblemsPanel, type ValidatedFile } from './runner';

/** Drives `mistral.validate` without UI. */
export interface ValidateCommandOptions {
  uris?: Array<vscode.Uri | string>;
  /** Overrides format detection. */
  purpose?: IntendedPurpose;
}
const OPTION_KEYS = ['uris', 'purpose'] as const;
// Below this a file validates in well under a second: the status bar is enough, a notification would only flash.
const NOTIFICATION_PROGRESS_BYTES = 20 * 1024 * 1024;

/** Registers `mistral.validate`: validates files or open documents and reports a summary with their problems. */
export function registerValidate(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.validate', async (first?: unknown, second?: unknown) => {
    const options = asOptions<ValidateCommandOptions>(first, OPTION_KEYS) ?? {};
    let uris = options.uris ? options.uris.map(toUri) : urisFromArgs(first, second);
    if (uris.length === 0) {
      const document = vscode.window.activeTextEditor?.document;
      if (document && isJsonlDocument(document)) uris = [document.uri];
    }
    if (uris.length === 0) uris = await pickJsonlFiles();
    if (uris.length === 0) return undefined;
    try {
      const validated = await runValidation(
        deps,
        uris.map((uri) => ({ uri, purpose: options.purpose })),
        { title: titleFor(uris), quietBelowBytes: NOTIFICATION_PROGRESS_BYTES, tokens: 'exact' },
      );
      reportSummary(validated);
      deps.walkthrough.record('validated');
      return validated;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Validation failed'));
      return undefined;
    }
  });
}

function titleFor(uris: readonly vscode.Uri[]): string {
  return uris.length === 1 ? vscode.l10n.t('Validating "{0}"', path.basename(uris[0].path)) : vscode.l10n.t('Validating {0} files', uris.length);
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
    case 'classifier':
      return vscode.l10n.t('fine-tune, classifier');
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
