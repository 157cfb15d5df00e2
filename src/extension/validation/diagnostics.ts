import * as vscode from 'vscode';
import type { Diagnostic, ValidationResult } from '../../validation/types';
import { formatBytes } from '../../util/format';

export const DIAGNOSTIC_SOURCE = 'Mistral';

/**
 * The validator's 1-based, end-exclusive UTF-16 positions map one-to-one onto VS Code's 0-based Range
 * (whose end is exclusive too). Ranges are kept exact; VS Code itself underlines the word at a zero-width one.
 */
export function toVsDiagnostic(diagnostic: Diagnostic): vscode.Diagnostic {
  const startLine = Math.max(0, diagnostic.line - 1);
  const startChar = Math.max(0, diagnostic.column - 1);
  const endLine = Math.max(startLine, diagnostic.endLine - 1);
  const endChar = endLine === startLine ? Math.max(startChar, diagnostic.endColumn - 1) : Math.max(0, diagnostic.endColumn - 1);
  const message = diagnostic.hint ? `${diagnostic.message}\n${diagnostic.hint}` : diagnostic.message;
  const result = new vscode.Diagnostic(
    new vscode.Range(startLine, startChar, endLine, endChar),
    message,
    diagnostic.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  result.source = DIAGNOSTIC_SOURCE;
  result.code = diagnostic.code;
  return result;
}

/** All diagnostics of a result, plus a note on line 1 when the validator stopped storing them. */
export function toVsDiagnostics(result: ValidationResult): vscode.Diagnostic[] {
  const out = result.diagnostics.map(toVsDiagnostic);
  const { summary } = result;
  if (summary.truncated) {
    const total = summary.errors + summary.warnings;
    const note = new vscode.Diagnostic(
      new vscode.Range(0, 0, 0, 0),
      vscode.l10n.t(
        'Showing the first {0} of {1} problems (setting "mistral.validation.maxProblems").',
        result.diagnostics.length,
        total,
      ),
      vscode.DiagnosticSeverity.Information,
    );
    note.source = DIAGNOSTIC_SOURCE;
    note.code = 'too-many-problems';
    out.push(note);
  }
  return out;
}

/** "1,204 records · 2 errors · 1 warning · messages: 1,204 user, 1,204 assistant · ≈ 350,000 tokens (estimate)". */
export function summarize(result: ValidationResult): string {
  const { summary } = result;
  const n = (value: number): string => value.toLocaleString(vscode.env.language);
  const parts = [
    summary.records === 1 ? vscode.l10n.t('1 record') : vscode.l10n.t('{0} records', n(summary.records)),
    summary.errors === 1 ? vscode.l10n.t('1 error') : vscode.l10n.t('{0} errors', n(summary.errors)),
    summary.warnings === 1 ? vscode.l10n.t('1 warning') : vscode.l10n.t('{0} warnings', n(summary.warnings)),
  ];
  const roles = Object.entries(summary.messagesByRole).filter(([, count]) => count > 0);
  if (roles.length > 0) {
    parts.push(vscode.l10n.t('messages: {0}', roles.map(([role, count]) => `${n(count)} ${role}`).join(', ')));
  }
  if (summary.estimatedTokens > 0) {
    parts.push(
      summary.tokensCountedWith === 'v3-tokenizer'
        ? vscode.l10n.t('{0} tokens (Mistral v3 tokenizer)', n(summary.estimatedTokens))
        : vscode.l10n.t('≈ {0} tokens (estimate)', n(summary.estimatedTokens)),
    );
  }
  if (summary.bytes > 0) parts.push(formatBytes(summary.bytes));
  return parts.join(' · ');
}
