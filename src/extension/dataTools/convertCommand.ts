/** `mistral.convertToMistral`: Convert to Mistral JSONL… from OpenAI, ShareGPT, Alpaca or CSV, with a report. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ConvertInputError,
  convertFile,
  detectSource,
  mapColumns,
  readCsvHeader,
  renderConvertReport,
  type ConvertResult,
  type CsvOptions,
  type Detection,
  type SourceFormat,
} from '../../convert/index';
import type { Deps } from '../deps';
import { asOptions, toUri } from '../shared/args';
import { PercentProgress, showError, withCancellableProgress } from '../shared/feedback';
import { pickLocalFile, showReport } from './shared';

/** Drives the command without UI (tests, other extensions). */
export interface ConvertCommandOptions {
  uri?: vscode.Uri | string;
  from?: SourceFormat;
  output?: vscode.Uri | string;
  /** CSV columns by name; asked for when the header does not name them. */
  csv?: CsvOptions;
}
const OPTION_KEYS = ['uri', 'from', 'output', 'csv'] as const;

export function registerConvert(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.convertToMistral', async (first?: unknown, second?: unknown): Promise<ConvertResult | undefined> => {
    const options = asOptions<ConvertCommandOptions>(first, OPTION_KEYS) ?? {};
    const title = vscode.l10n.t('Convert to Mistral JSONL');
    const input = await pickLocalFile(options.uri ? undefined : first, second, options.uri, title, {
      [vscode.l10n.t('Data files')]: ['jsonl', 'json', 'csv', 'tsv', 'txt'],
      [vscode.l10n.t('All files')]: ['*'],
    });
    if (!input) return undefined;
    const name = path.basename(input.fsPath);
    try {
      const detection = await detectSource(input.fsPath);
      const from = options.from ?? (await pickSource(detection));
      if (!from) return undefined;
      const csv = from === 'csv' || (from === 'auto' && detection.format === 'csv') ? (options.csv ?? (await pickColumns(input.fsPath, detection))) : undefined;
      if (from === 'csv' && csv === undefined) return undefined;
      const output = options.output !== undefined ? toUri(options.output) : await pickOutput(input);
      if (!output) return undefined;
      const result = await withCancellableProgress({ title: vscode.l10n.t('Converting "{0}"', name) }, (signal, progress) => {
        const percent = new PercentProgress(progress, 100);
        return convertFile(input.fsPath, output.fsPath, { from, csv, signal, onProgress: (done, total) => percent.report(total > 0 ? (done * 100) / total : 0) });
      });
      const report = renderConvertReport(result);
      deps.log.info(report);
      void announce(result, output, report);
      return result;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Converting "{0}" failed', name));
      return undefined;
    }
  });
}

function detectedLabel(detection: Detection): string {
  return detection.array ? vscode.l10n.t('{0} (one JSON array)', formatLabel(detection)) : formatLabel(detection);
}

function formatLabel(detection: Detection): string {
  switch (detection.format) {
    case 'openai':
      return vscode.l10n.t('OpenAI / Mistral chat');
    case 'sharegpt':
      return vscode.l10n.t('ShareGPT');
    case 'alpaca':
      return vscode.l10n.t('Alpaca');
    case 'pretrain':
      return vscode.l10n.t('pretrain text');
    case 'csv':
      return vscode.l10n.t('CSV');
    default:
      return vscode.l10n.t('not recognised');
  }
}

async function pickSource(detection: Detection): Promise<SourceFormat | undefined> {
  const items: Array<vscode.QuickPickItem & { format: SourceFormat }> = [
    { format: detection.format === 'csv' ? 'csv' : 'auto', label: vscode.l10n.t('Detected: {0}', detectedLabel(detection)), description: detection.format === 'csv' ? undefined : vscode.l10n.t('each record converted by its own keys') },
    { format: 'openai', label: vscode.l10n.t('OpenAI chat'), description: vscode.l10n.t('messages, tool_calls, legacy functions') },
    { format: 'sharegpt', label: vscode.l10n.t('ShareGPT'), description: vscode.l10n.t('conversations of from/value') },
    { format: 'alpaca', label: vscode.l10n.t('Alpaca'), description: vscode.l10n.t('instruction, input, output') },
    { format: 'csv', label: vscode.l10n.t('CSV or TSV'), description: vscode.l10n.t('a header row naming the prompt and answer columns') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Convert to Mistral JSONL: source format'), placeHolder: vscode.l10n.t('Which format is the file in?') });
  return picked?.format;
}

/** {} when the header names the prompt and answer columns; else the user picks them. Undefined: backed out. */
async function pickColumns(file: string, detection: Detection): Promise<CsvOptions | undefined> {
  const delimiter = detection.delimiter ?? (/\.(tsv|tab)$/i.test(file) ? '\t' : ',');
  const header = await readCsvHeader(file, delimiter);
  try {
    mapColumns(header);
    return { delimiter };
  } catch (err) {
    if (!(err instanceof ConvertInputError) || header.length < 2) throw err;
  }
  const title = vscode.l10n.t('Convert to Mistral JSONL: columns');
  const user = await vscode.window.showQuickPick(header, { title, placeHolder: vscode.l10n.t('Which column holds the prompt (the user message)?') });
  if (user === undefined) return undefined;
  const assistant = await vscode.window.showQuickPick(
    header.filter((name) => name !== user),
    { title, placeHolder: vscode.l10n.t('Which column holds the answer (the assistant message)?') },
  );
  return assistant === undefined ? undefined : { delimiter, userColumn: user, assistantColumn: assistant };
}

async function pickOutput(input: vscode.Uri): Promise<vscode.Uri | undefined> {
  const stem = path.basename(input.fsPath).replace(/\.(jsonl|json|csv|tsv|txt)$/i, '');
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Save the Mistral JSONL as'),
    saveLabel: vscode.l10n.t('Convert'),
    defaultUri: vscode.Uri.file(path.join(path.dirname(input.fsPath), `${stem}.mistral.jsonl`)),
    filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
  });
}

async function announce(result: ConvertResult, output: vscode.Uri, report: string): Promise<void> {
  const showReportItem = vscode.l10n.t('Show Report');
  const openItem = vscode.l10n.t('Open Output');
  const validateItem = vscode.l10n.t('Show Problems');
  const name = path.basename(output.fsPath);
  let answer: string | undefined;
  if (!result.outputWritten) {
    answer = await vscode.window.showWarningMessage(vscode.l10n.t('Nothing was converted: none of the {0} records could be read as the chosen format. "{1}" was not written.', result.records, name), showReportItem);
  } else {
    const errors = result.validation?.summary.errors ?? 0;
    const message = vscode.l10n.t('Converted {0} of {1} records to "{2}" ({3} dropped). The output has {4} validation error(s).', result.written, result.records, name, result.dropped, errors);
    answer = errors > 0 ? await vscode.window.showWarningMessage(message, showReportItem, validateItem, openItem) : await vscode.window.showInformationMessage(message, showReportItem, openItem);
  }
  if (answer === showReportItem) await showReport(report);
  else if (answer === openItem) await vscode.window.showTextDocument(output);
  else if (answer === validateItem) await vscode.commands.executeCommand('mistral.validate', output);
}
