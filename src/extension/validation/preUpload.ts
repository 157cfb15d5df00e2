import * as vscode from 'vscode';
import type { FilePurpose } from '../../api/types';
import { validateFile } from '../../validation/index';
import type { IntendedPurpose, ValidationResult } from '../../validation/types';
import type { ExtensionDeps } from '../deps';
import { withCancellableProgress } from '../progress';
import { publishCommandResult } from './problems';

export interface PlannedUpload {
  uri: vscode.Uri;
  name: string;
  size: number;
  purpose: FilePurpose;
}

export interface ValidationFinding {
  upload: PlannedUpload;
  result: ValidationResult;
}

/** Only fine-tune and batch files are JSONL the validator understands; OCR and audio uploads are sent as they are. */
export function intendedPurpose(purpose: FilePurpose): IntendedPurpose | undefined {
  if (purpose === 'fine-tune') return 'fine-tune';
  if (purpose === 'batch') return 'batch';
  return undefined;
}

/**
 * Validates every fine-tune/batch file under one cancellable progress (percent over all their bytes) and publishes
 * the problems. Returns the findings of files that have problems; rejects with an AbortError when cancelled.
 */
export async function validateUploads(deps: ExtensionDeps, uploads: readonly PlannedUpload[]): Promise<ValidationFinding[]> {
  const targets = uploads.filter((upload) => intendedPurpose(upload.purpose) !== undefined);
  if (targets.length === 0) return [];
  const totalBytes = targets.reduce((sum, upload) => sum + upload.size, 0);
  const title =
    targets.length === 1
      ? vscode.l10n.t('Validating "{0}" before upload', targets[0].name)
      : vscode.l10n.t('Validating {0} files before upload', targets.length);
  return withCancellableProgress({ title }, async (signal, progress) => {
    const findings: ValidationFinding[] = [];
    let doneBytes = 0;
    let reported = 0;
    for (const upload of targets) {
      const result = await validateFile(upload.uri.fsPath, {
        purpose: intendedPurpose(upload.purpose),
        maxDiagnostics: deps.settings.maxProblems,
        fileName: upload.uri.fsPath,
        signal,
        onProgress: (processed: number) => {
          const percent = totalBytes > 0 ? Math.floor(((doneBytes + processed) * 100) / totalBytes) : 0;
          if (percent > reported) {
            progress.report({ increment: percent - reported, message: targets.length > 1 ? upload.name : undefined });
            reported = percent;
          }
        },
      });
      if (signal.aborted) throw new DOMException('Validation cancelled', 'AbortError');
      doneBytes += upload.size;
      publishCommandResult(deps, upload.uri, result);
      deps.log.info(
        `Validated ${upload.name} as ${result.format}: ${result.summary.records} records, ${result.summary.errors} errors, ${result.summary.warnings} warnings`,
      );
      if (result.summary.errors > 0 || result.summary.warnings > 0) findings.push({ upload, result });
    }
    return findings;
  });
}

export function errorCount(findings: readonly ValidationFinding[]): number {
  return findings.reduce((sum, finding) => sum + finding.result.summary.errors, 0);
}

export function showProblemsPanel(): void {
  void vscode.commands.executeCommand('workbench.actions.view.problems');
}
