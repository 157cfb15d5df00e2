/** The per-purpose upload checks (src/purposes/uploadCheck.ts) in the extension's words, for every command that uploads. */
import * as vscode from 'vscode';
import type { FilePurpose } from '../../api/files/types';
import { checkUpload } from '../../purposes/uploadCheck';

export interface CheckedFile {
  uri: vscode.Uri;
  size: number;
  purpose: FilePurpose;
}

export interface CheckResult<T extends CheckedFile> {
  /** Files that may be sent (warnings aside). */
  accepted: T[];
  /** Files their purpose cannot take, with why: never sent. */
  refused: Array<{ file: T; message: string }>;
  /** What may go wrong with accepted files: shown, then they are sent. */
  warnings: string[];
}

/** Type, size and (OCR) page checks of each file, before any byte is sent. */
export async function checkUploads<T extends CheckedFile>(files: readonly T[]): Promise<CheckResult<T>> {
  const result: CheckResult<T> = { accepted: [], refused: [], warnings: [] };
  for (const file of files) {
    const problems = await checkUpload(file.uri.fsPath, file.size, file.purpose, vscode.l10n);
    const refusal = problems.find((problem) => problem.level === 'refuse');
    if (refusal) {
      result.refused.push({ file, message: refusal.message });
      continue;
    }
    result.accepted.push(file);
    result.warnings.push(...problems.map((problem) => problem.message));
  }
  return result;
}
