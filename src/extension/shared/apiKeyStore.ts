import * as vscode from 'vscode';
import type { ApiKeyStore } from '../deps';

/** The one SecretStorage entry; the key lives nowhere else (not settings, not globalState, not logs). */
export const API_KEY_SECRET = 'mistral.apiKey';

/**
 * The API key in VS Code's SecretStorage (the OS keychain on desktop). SecretStorage reports changes made in any
 * window of this VS Code, so the tree follows a key set or cleared elsewhere.
 */
export class SecretApiKeyStore implements ApiKeyStore, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === API_KEY_SECRET) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    const key = await this.secrets.get(API_KEY_SECRET);
    return key === undefined || key.trim() === '' ? undefined : key.trim();
  }

  async set(key: string): Promise<void> {
    const trimmed = key.trim();
    if (trimmed === '') throw new Error(vscode.l10n.t('The API key is empty.'));
    await this.secrets.store(API_KEY_SECRET, trimmed);
  }

  async clear(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
