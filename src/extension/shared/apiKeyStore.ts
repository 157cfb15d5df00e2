import * as vscode from 'vscode';
import type { ApiKeyStore } from '../deps';

/** The one SecretStorage entry; the key lives nowhere else (not settings, not globalState, not logs). */
export const API_KEY_SECRET = 'mistral.apiKey';

/**
 * The API key in VS Code's SecretStorage (the OS keychain on desktop). SecretStorage reports changes made in any
 * window of this VS Code, so the tree follows a key set or cleared elsewhere. It is the one owner of the
 * `mistral.hasApiKey` context key that welcome content and menus read: every read and change sets it.
 */
export class SecretApiKeyStore implements ApiKeyStore, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly hasKeyChanged = new vscode.EventEmitter<boolean>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;
  /** Whether a key is stored, each time that answer changes (the value `mistral.hasApiKey` takes). */
  readonly onDidChangeHasKey = this.hasKeyChanged.event;
  private published: boolean | undefined;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== API_KEY_SECRET) return;
      this.changed.fire();
      void this.get();
    });
  }

  async get(): Promise<string | undefined> {
    const stored = await this.secrets.get(API_KEY_SECRET);
    const key = stored === undefined || stored.trim() === '' ? undefined : stored.trim();
    await this.publish(key !== undefined);
    return key;
  }

  async set(key: string): Promise<void> {
    const trimmed = key.trim();
    if (trimmed === '') throw new Error(vscode.l10n.t('The API key is empty.'));
    await this.secrets.store(API_KEY_SECRET, trimmed);
    await this.publish(true);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
    await this.publish(false);
  }

  private async publish(hasKey: boolean): Promise<void> {
    if (this.published === hasKey) return;
    this.published = hasKey;
    await vscode.commands.executeCommand('setContext', 'mistral.hasApiKey', hasKey);
    this.hasKeyChanged.fire(hasKey);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
    this.hasKeyChanged.dispose();
  }
}
