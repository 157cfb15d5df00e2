import * as vscode from 'vscode';
import { SIGNED_URL_MAX_HOURS, SIGNED_URL_MIN_HOURS, type MistralFile } from '../../../api/files/types';
import { isValidHours, parseHours } from '../../shared/hours';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { filesOrIdsFromArgs, splitOptions, idOf, isNotFound, nameOf } from '../../shared/args';
import { selectedOrPickedFiles } from './pickFiles';

/** `mistral.copySignedUrl(file, { expiryHours })` skips the picker. */
export interface SignedUrlCommandOptions {
  expiryHours?: number;
}

interface ExpiryItem extends vscode.QuickPickItem {
  hours: number | 'custom';
}

const PRESET_HOURS = [1, 24, 72, 168];

export function registerCopySignedUrl(deps: Deps): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.copySignedUrl', async (...rawArgs: unknown[]) => {
    const { first, options } = splitOptions<SignedUrlCommandOptions>(rawArgs, ['expiryHours']);
    // One URL per invocation: with a multi-selection the clicked file is the one meant.
    const target: MistralFile | string | undefined =
      filesOrIdsFromArgs(first, undefined)[0] ??
      (await selectedOrPickedFiles(deps, { canPickMany: false, title: vscode.l10n.t('Copy Signed URL') }))[0];
    if (target === undefined) return undefined;

    let hours = options?.expiryHours;
    if (hours !== undefined && !isValidHours(hours)) {
      void vscode.window.showErrorMessage(hoursError());
      return undefined;
    }
    hours ??= await askExpiry(deps.settings.defaultSignedUrlExpiryHours);
    if (hours === undefined) return undefined;

    try {
      const requestedAt = Date.now();
      const { url } = await deps.client.files.getSignedUrl(idOf(target), hours);
      await vscode.env.clipboard.writeText(url);
      const expires = new Date(requestedAt + hours * 3_600_000);
      // The URL's query is its signature: neither it nor the URL goes to the log.
      deps.log.info(`Signed URL for ${idOf(target)} copied (expires ${expires.toISOString()})`);
      // Copies say so in the status bar, as Copy File ID does: a toast for a routine copy is noise.
      vscode.window.setStatusBarMessage(
        vscode.l10n.t('Signed URL for "{0}" copied. It expires {1} ({2} h).', nameOf(target), formatLocal(expires), hours),
        8000,
      );
      return url;
    } catch (err) {
      if (isNotFound(err)) deps.files.refresh(typeof target === 'string' ? undefined : target.purpose);
      void showError(deps.log, err, vscode.l10n.t('Could not create a signed URL for "{0}"', nameOf(target)));
      return undefined;
    }
  });
}

function hoursError(): string {
  return vscode.l10n.t('Enter a whole number of hours from {0} to {1}.', SIGNED_URL_MIN_HOURS, SIGNED_URL_MAX_HOURS);
}

/** 1 h, 24 h, 72 h, 7 days and the configured default (marked, pre-selected), then Custom…. */
async function askExpiry(configuredDefault: number): Promise<number | undefined> {
  const defaultHours = isValidHours(configuredDefault) ? configuredDefault : 24;
  const hours = [...new Set([...PRESET_HOURS, defaultHours])].sort((a, b) => a - b);
  const items: ExpiryItem[] = hours.map((h) => ({
    label: labelFor(h),
    description: h === defaultHours ? vscode.l10n.t('default') : undefined,
    hours: h,
  }));
  items.push({ label: vscode.l10n.t('Custom…'), description: vscode.l10n.t('{0}–{1} hours', SIGNED_URL_MIN_HOURS, SIGNED_URL_MAX_HOURS), hours: 'custom' });

  const pick = vscode.window.createQuickPick<ExpiryItem>();
  pick.title = vscode.l10n.t('Copy Signed URL: how long should it work?');
  pick.placeholder = vscode.l10n.t('Anyone with the URL can download the file until it expires');
  pick.items = items;
  pick.activeItems = items.filter((item) => item.hours === defaultHours);
  const chosen = await new Promise<ExpiryItem | undefined>((resolve) => {
    let result: ExpiryItem | undefined;
    pick.onDidAccept(() => {
      result = pick.activeItems[0];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
  if (!chosen) return undefined;
  if (chosen.hours !== 'custom') return chosen.hours;

  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Copy Signed URL: custom expiry'),
    prompt: vscode.l10n.t('Hours until the URL expires ({0}–{1})', SIGNED_URL_MIN_HOURS, SIGNED_URL_MAX_HOURS),
    value: String(defaultHours),
    validateInput: (text) => (parseHours(text) === undefined ? hoursError() : undefined),
  });
  return value === undefined ? undefined : parseHours(value);
}

function labelFor(hours: number): string {
  if (hours === 1) return vscode.l10n.t('1 hour');
  if (hours === 168) return vscode.l10n.t('7 days (168 hours)');
  if (hours % 24 === 0 && hours > 24) return vscode.l10n.t('{0} hours ({1} days)', hours, hours / 24);
  return vscode.l10n.t('{0} hours', hours);
}

function formatLocal(date: Date): string {
  try {
    return date.toLocaleString(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
  } catch {
    return date.toLocaleString();
  }
}
