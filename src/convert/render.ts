/**
 * The reports of a conversion and a split as Markdown, for the CLI's output and the document the extension opens.
 * Pure: no `vscode` import.
 */
import * as path from 'node:path';
import { formatBytes } from '../util/format';
import type { ConvertResult } from './convert';
import type { ReportEntry } from './report';
import type { SplitResult } from './split';

const SOURCE_NAMES: Record<string, string> = {
  auto: 'detected per record',
  openai: 'OpenAI / Mistral chat',
  sharegpt: 'ShareGPT',
  alpaca: 'Alpaca',
  csv: 'CSV',
  pretrain: 'pretrain text',
};

const count = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

function examples(entry: ReportEntry<string>): string {
  const more = entry.count > entry.lines.length ? ', …' : '';
  return `line${entry.lines.length === 1 ? '' : 's'} ${entry.lines.join(', ')}${more}`;
}

function details(entry: ReportEntry<string>): string {
  if (!entry.details) return '';
  const list = Object.entries(entry.details)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, n]) => `\`${name}\` ×${n.toLocaleString('en-US')}`);
  return ` (${list.join(', ')})`;
}

export function sourceName(format: string): string {
  return SOURCE_NAMES[format] ?? format;
}

export function convertHeadline(result: ConvertResult): string {
  const parts = [`Converted ${count(result.written, 'record')} of ${result.records.toLocaleString('en-US')}`];
  if (result.dropped > 0) parts.push(`${result.dropped.toLocaleString('en-US')} dropped`);
  if (result.validation) parts.push(`validation: ${count(result.validation.summary.errors, 'error')}, ${count(result.validation.summary.warnings, 'warning')}`);
  return parts.join(' · ');
}

export function renderConvertReport(result: ConvertResult): string {
  const out: string[] = [];
  out.push(`# Conversion of ${path.basename(result.input)}`, '');
  const detected = result.detection.sampled > 0 ? ` (sample of ${count(result.detection.sampled, 'record')}: ${Object.entries(result.detection.kinds).map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
  out.push(`- Source: ${sourceName(result.from)}; detected as ${sourceName(result.detection.format)}${detected}`);
  out.push(`- Input: ${result.input} (${formatBytes(result.bytesIn)})`);
  out.push(result.outputWritten ? `- Output: ${result.output} (${formatBytes(result.bytesOut)})` : `- Output: none written (no record could be converted); ${result.output} is unchanged`);
  out.push(`- ${convertHeadline(result)}`, '');
  out.push('## Changed', '');
  if (result.changes.length === 0) out.push('Nothing: the records were already in Mistral\'s format.');
  for (const entry of result.changes) out.push(`- ${entry.message}${details(entry)}: ${count(entry.count, 'record')} (${examples(entry)})`);
  out.push('', '## Dropped', '');
  if (result.droppedEntries.length === 0) out.push('Nothing.');
  for (const entry of result.droppedEntries) out.push(`- ${entry.message}${details(entry)}: ${count(entry.count, 'record')} (${examples(entry)})`);
  if (result.validation) {
    const { summary, diagnostics } = result.validation;
    out.push('', '## Validation of the output', '');
    out.push(`${count(summary.errors, 'error')}, ${count(summary.warnings, 'warning')} in ${count(summary.records, 'record')} (format: ${result.validation.format}).`);
    for (const d of diagnostics) out.push(`- line ${d.line}: ${d.severity} \`${d.code}\` ${d.message}`);
    if (summary.errors + summary.warnings > diagnostics.length) out.push(`- … and ${(summary.errors + summary.warnings - diagnostics.length).toLocaleString('en-US')} more (validate the output to see them all)`);
  }
  return `${out.join('\n')}\n`;
}

export function renderSplitReport(result: SplitResult): string {
  const out: string[] = [];
  out.push(`Split ${path.basename(result.input)}: ${count(result.lines, 'record')}, ${formatBytes(result.bytes)}${result.blankLines > 0 ? ` (${count(result.blankLines, 'blank line')} skipped)` : ''}`);
  if (result.validationTarget !== undefined) out.push(`Validation drawn at random with seed ${result.seed}, aiming at ${formatBytes(result.validationTarget)}`);
  for (const output of result.outputs) out.push(`  ${output.role.padEnd(10)} ${output.path}: ${count(output.lines, 'record')}, ${formatBytes(output.bytes)}`);
  return `${out.join('\n')}\n`;
}
