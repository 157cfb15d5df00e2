/** `mistral.splitJsonl`: Split JSONL… into train/validation files and/or shards under the upload limit. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DEFAULT_MAX_SHARD_BYTES,
  DEFAULT_VALIDATION,
  OutputExistsError,
  parseSize,
  parseValidationSize,
  renderSplitReport,
  splitFile,
  type SplitOptions,
  type SplitResult,
} from '../../convert/index';
import { formatBytes } from '../../util/format';
import type { Deps } from '../deps';
import { asOptions } from '../shared/args';
import { PercentProgress, showError, withCancellableProgress } from '../shared/feedback';
import { pickLocalFile, showReport } from './shared';

/** Drives the command without UI (tests, other extensions). `validation: null` means shards only. */
export interface SplitCommandOptions {
  uri?: vscode.Uri | string;
  validation?: { bytes?: number; fraction?: number } | null;
  maxShardBytes?: number;
  seed?: number;
  /** Replace existing outputs without asking. */
  force?: boolean;
}
const OPTION_KEYS = ['uri', 'validation', 'maxShardBytes', 'seed', 'force'] as const;
const DEFAULT_SEED = 42;

export function registerSplit(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.splitJsonl', async (first?: unknown, second?: unknown): Promise<SplitResult | undefined> => {
    const given = asOptions<SplitCommandOptions>(first, OPTION_KEYS);
    const title = vscode.l10n.t('Split JSONL');
    const input = await pickLocalFile(given ? undefined : first, second, given?.uri, title, { [vscode.l10n.t('JSON Lines')]: ['jsonl'], [vscode.l10n.t('All files')]: ['*'] });
    if (!input) return undefined;
    const options = given ? fromGiven(given) : await askOptions();
    if (!options) return undefined;
    const name = path.basename(input.fsPath);
    try {
      const run = (force: boolean): Thenable<SplitResult> =>
        withCancellableProgress({ title: vscode.l10n.t('Splitting "{0}"', name) }, (signal, progress) => {
          const percent = new PercentProgress(progress, 100);
          return splitFile(input.fsPath, { ...options, force, signal, onProgress: (done, total) => percent.report(total > 0 ? (done * 100) / total : 0) });
        });
      let result: SplitResult;
      try {
        result = await run(given?.force === true);
      } catch (err) {
        if (!(err instanceof OutputExistsError) || given) throw err;
        const replace = vscode.l10n.t('Replace');
        const answer = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" already exists. Replace it and the other outputs of this split?', path.basename(err.path)), { modal: true }, replace);
        if (answer !== replace) return undefined;
        result = await run(true);
      }
      const report = renderSplitReport(result);
      deps.log.info(report);
      void announce(result, report);
      return result;
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('Splitting "{0}" failed', name));
      return undefined;
    }
  });
}

function fromGiven(given: SplitCommandOptions): SplitOptions {
  return { validation: given.validation === null ? undefined : (given.validation ?? { ...DEFAULT_VALIDATION }), maxShardBytes: given.maxShardBytes, seed: given.seed };
}

async function askOptions(): Promise<SplitOptions | undefined> {
  type Mode = 'validation' | 'validation-custom' | 'shards' | 'shards-custom';
  const items: Array<vscode.QuickPickItem & { mode: Mode }> = [
    { mode: 'validation', label: vscode.l10n.t('Train and validation files'), description: vscode.l10n.t('validation: min(1 MB, 5%) drawn at random, seed {0}', DEFAULT_SEED) },
    { mode: 'validation-custom', label: vscode.l10n.t('Train and validation files, choosing the size and seed…') },
    { mode: 'shards', label: vscode.l10n.t('Shards under the upload limit'), description: vscode.l10n.t('{0} each, cut between lines', formatBytes(DEFAULT_MAX_SHARD_BYTES)) },
    { mode: 'shards-custom', label: vscode.l10n.t('Shards of a size I choose…') },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Split JSONL'), placeHolder: vscode.l10n.t('How should the file be split? Outputs larger than the shard size are always sharded.') });
  if (!picked) return undefined;
  if (picked.mode === 'validation') return { validation: { ...DEFAULT_VALIDATION }, seed: DEFAULT_SEED };
  if (picked.mode === 'shards') return { maxShardBytes: DEFAULT_MAX_SHARD_BYTES };
  if (picked.mode === 'shards-custom') {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Shard size'),
      prompt: vscode.l10n.t('The most bytes per shard, such as 100MB or 500000000'),
      value: '100MB',
      validateInput: (value) => (parseSize(value) === undefined ? vscode.l10n.t('Give a size such as 100MB, 800KB or 1000000') : undefined),
    });
    return text === undefined ? undefined : { maxShardBytes: parseSize(text) };
  }
  const size = await vscode.window.showInputBox({
    title: vscode.l10n.t('Validation size'),
    prompt: vscode.l10n.t('A size such as 1MB or a share such as 5%'),
    value: '5%',
    validateInput: (value) => (parseValidationSize(value) ? undefined : vscode.l10n.t('Give a size such as 1MB or a percentage below 100 such as 5%')),
  });
  if (size === undefined) return undefined;
  const seed = await vscode.window.showInputBox({
    title: vscode.l10n.t('Random seed'),
    prompt: vscode.l10n.t('The same seed draws the same validation lines again'),
    value: String(DEFAULT_SEED),
    validateInput: (value) => (/^\d+$/.test(value.trim()) ? undefined : vscode.l10n.t('Give a whole number')),
  });
  if (seed === undefined) return undefined;
  return { validation: parseValidationSize(size) ?? undefined, seed: Number(seed.trim()) };
}

async function announce(result: SplitResult, report: string): Promise<void> {
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const details = vscode.l10n.t('Show Details');
  const names = result.outputs.map((o) => `${path.basename(o.path)} (${formatBytes(o.bytes)})`).join(', ');
  const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Split {0} records into {1} files: {2}', result.lines, result.outputs.length, names), reveal, details);
  if (answer === reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(result.outputs[0].path));
  else if (answer === details) await showReport(report);
}
