/** The questions Create Batch Job… asks when its arguments leave them open: input file, endpoint, model, timeout, metadata. */
import * as vscode from 'vscode';
import {
  KNOWN_BATCH_ENDPOINTS,
  METADATA_KEY_MAX,
  METADATA_VALUE_MAX,
  TIMEOUT_HOURS_MAX,
  TIMEOUT_HOURS_MIN,
  type BatchEndpoint,
} from '../../../api/batch/types';
import type { MistralFile } from '../../../api/files/types';
import { formatBytes, formatRelativeTime } from '../../../util/format';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { modelSuggestions } from './endpointInference';

const HEAD_BYTES = 64 * 1024;

/** The first 64 KB of a remote file, enough for the first lines; the rest of the stream is dropped unread. */
export async function readRemoteHead(deps: Deps, fileId: string, signal: AbortSignal): Promise<string> {
  const { body } = await deps.client.files.openContent(fileId, { signal });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      size += buffer.length;
      if (size >= HEAD_BYTES) break;
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8');
}

interface InputItem extends vscode.QuickPickItem {
  file?: MistralFile;
  local?: true;
}

/**
 * The palette's input: one of the uploaded batch request files (not the results Mistral wrote), or a local `.jsonl`
 * chosen in an open dialog. Undefined when dismissed.
 */
export async function pickInput(deps: Deps): Promise<MistralFile | vscode.Uri | undefined> {
  let files: MistralFile[] = [];
  try {
    const list = await deps.client.files.list({ page: 0, pageSize: 100, purpose: 'batch' });
    files = list.data.filter((file) => file.sample_type !== 'batch_result' && file.sample_type !== 'batch_error' && file.source !== 'mistral');
  } catch (err) {
    void showError(deps.log, err, vscode.l10n.t('Could not list batch files'));
    return undefined;
  }
  const items: InputItem[] = [
    { label: vscode.l10n.t('$(folder-opened) Local .jsonl file…'), description: vscode.l10n.t('validated and uploaded first'), local: true },
    ...files.map((file) => ({
      label: file.filename || file.id,
      description: `${formatBytes(file.bytes)} · ${formatRelativeTime(file.created_at)}`,
      detail: file.id,
      file,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Create Batch Job: requests file'),
    placeHolder: vscode.l10n.t('Choose the batch file with the requests'),
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.file) return picked.file;
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { [vscode.l10n.t('JSON Lines')]: ['jsonl'] },
    openLabel: vscode.l10n.t('Use for Batch Job'),
  });
  return uris?.[0];
}

/** Every endpoint the Batch API documents, the inferred one (if any) first. */
export async function pickEndpoint(suggested: BatchEndpoint | undefined): Promise<BatchEndpoint | undefined> {
  const endpoints = [...KNOWN_BATCH_ENDPOINTS].sort((a, b) => (a === suggested ? -1 : b === suggested ? 1 : 0));
  const picked = await vscode.window.showQuickPick(
    endpoints.map((endpoint) => ({ label: endpoint, description: endpoint === suggested ? vscode.l10n.t('matches the requests') : undefined })),
    { title: vscode.l10n.t('Create Batch Job: endpoint'), placeHolder: vscode.l10n.t('The endpoint every request of the file is sent to') },
  );
  return picked?.label;
}

/** Suggested models for the endpoint plus whatever is typed (fine-tuned models have their own names). */
export async function pickModel(endpoint: BatchEndpoint, preferred: string | undefined): Promise<string | undefined> {
  const suggestions = [...new Set([...(preferred ? [preferred] : []), ...modelSuggestions(endpoint)])];
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = vscode.l10n.t('Create Batch Job: model');
  pick.placeholder = vscode.l10n.t('Choose a model or type any model name (for example a fine-tuned model)');
  const suggested = suggestions.map((model) => ({ label: model, description: model === preferred ? vscode.l10n.t('named in the requests') : undefined }));
  pick.items = suggested;
  return new Promise<string | undefined>((resolve) => {
    let result: string | undefined;
    const disposables = [
      pick.onDidChangeValue((value) => {
        const typed = value.trim();
        pick.items = typed && !suggestions.includes(typed) ? [{ label: typed, description: vscode.l10n.t('the model you typed') }, ...suggested] : suggested;
      }),
      pick.onDidAccept(() => {
        result = pick.activeItems[0]?.label ?? (pick.value.trim() || undefined);
        pick.hide();
      }),
      pick.onDidHide(() => {
        disposables.forEach((d) => d.dispose());
        pick.dispose();
        resolve(result);
      }),
    ];
    pick.show();
  });
}

/** `key=value` pairs separated by commas or spaces; an error text for the input box, or the pairs. */
export function parseMetadata(text: string): Record<string, string> | string {
  const metadata: Record<string, string> = {};
  for (const pair of text.split(/[,\s]+/).filter((part) => part !== '')) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : '';
    const value = eq > 0 ? pair.slice(eq + 1) : '';
    if (!key || !value) return vscode.l10n.t('Write key=value pairs, for example project=alpha team=ml');
    if (key.length > METADATA_KEY_MAX || value.length > METADATA_VALUE_MAX) {
      return vscode.l10n.t('Keys are at most {0} characters, values at most {1}', METADATA_KEY_MAX, METADATA_VALUE_MAX);
    }
    metadata[key] = value;
  }
  return metadata;
}

/**
 * The two optional settings of a job, each a box that Enter skips: the timeout (empty for the service's default of
 * 24 hours) and metadata to find the job by later. Undefined when either box is dismissed (Escape cancels the create).
 */
export async function askTimeoutAndMetadata(): Promise<{ timeoutHours?: number; metadata?: Record<string, string> } | undefined> {
  const hours = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Batch Job: timeout'),
    prompt: vscode.l10n.t('Hours the job may run ({0}–{1}); leave empty for the service default (24)', TIMEOUT_HOURS_MIN, TIMEOUT_HOURS_MAX),
    validateInput: (value) => {
      if (value.trim() === '') return undefined;
      const n = Number(value.trim());
      return Number.isInteger(n) && n >= TIMEOUT_HOURS_MIN && n <= TIMEOUT_HOURS_MAX
        ? undefined
        : vscode.l10n.t('A whole number of hours from {0} to {1}', TIMEOUT_HOURS_MIN, TIMEOUT_HOURS_MAX);
    },
  });
  if (hours === undefined) return undefined;
  const metadataText = await vscode.window.showInputBox({
    title: vscode.l10n.t('Create Batch Job: metadata'),
    prompt: vscode.l10n.t('Optional key=value pairs to find the job by later, for example project=alpha team=ml'),
    validateInput: (value) => {
      const parsed = parseMetadata(value);
      return typeof parsed === 'string' ? parsed : undefined;
    },
  });
  if (metadataText === undefined) return undefined;
  const metadata = parseMetadata(metadataText);
  return {
    timeoutHours: hours.trim() === '' ? undefined : Number(hours.trim()),
    metadata: typeof metadata === 'string' || Object.keys(metadata).length === 0 ? undefined : metadata,
  };
}
