import * as vscode from 'vscode';
import type { FilePurpose } from '../../api/files/types';
import type { IntendedPurpose, ValidationResult } from '../../validation/types';
import type { Deps } from '../deps';
import { purposeInfo } from '../shared/purposes';
import { runValidation } from './runner';

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

/** Only JSONL purposes (fine-tune, batch) are checked by the validator; OCR and audio uploads are sent as they are. */
export function intendedPurpose(purpose: FilePurpose): IntendedPurpose | undefined {
  return purposeInfo(purpose)?.validatedAs;
}

/**
 * Validates every fine-tune/batch file before it is sent, under one cancellable progress, and publishes the problems.
 * Returns the findings of files that have problems; rejects with an AbortError when cancelled.
 */
export async function validateUploads(deps: Deps, uploads: readonly PlannedUpload[]): Promise<ValidationFinding[]> {
  const targets = uploads.filter((upload) => intendedPurpose(upload.purpose) !== undefined);
  if (targets.length === 0) return [];
  const title =
    targets.length === 1
      ? vscode.l10n.t('Validating "{0}" before upload', targets[0].name)
      : vscode.l10n.t('Validating {0} files before upload', targets.length);
  const validated = await runValidation(
    deps,
    targets.map((upload) => ({ uri: upload.uri, purpose: intendedPurpose(upload.purpose), size: upload.size })),
    { title, showNames: true },
  );
  return validated
    .map((entry, index) => ({ upload: targets[index], result: entry.result }))
    .filter((finding) => finding.result.summary.errors > 0 || finding.result.summary.warnings > 0);
}

export function errorCount(findings: readonly ValidationFinding[]): number {
  return findings.reduce((sum, finding) => sum + finding.result.summary.errors, 0);
}
