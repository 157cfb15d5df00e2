import * as vscode from 'vscode';
import { MistralFilesClient } from '../api/client';
import { registerCommands } from './commands/index';
import { SecretApiKeyStore } from './config/apiKeyStore';
import { seedDemoKey } from './config/demoKey';
import { ReconfigurableFilesApi } from './config/clientFactory';
import { CONNECTION_SETTINGS, VsCodeSettings, readConnectionSettings } from './config/settings';
import type { CoreDeps } from './coreDeps';
import { watchDeletedPreviews } from './providers/openPreviews';
import { PreviewFileSystemProvider } from './providers/previewFileSystem';
import { FilesTreeView } from './views/filesTreeView';
import { FilterState } from './views/filterState';

/** What `activate` returns: integration tests and other extensions reach the tree and client through it. */
export interface MistralFilesExtensionApi {
  readonly deps: CoreDeps;
}

/** Composition root: builds the shared pieces once, registers commands, and hands every disposable to VS Code. */
export function activate(context: vscode.ExtensionContext): MistralFilesExtensionApi {
  const log = vscode.window.createOutputChannel('Mistral Files', { log: true });
  const settings = new VsCodeSettings();
  const keyStore = new SecretApiKeyStore(context.secrets);
  const client = new ReconfigurableFilesApi(
    (config) => new MistralFilesClient(config),
    () => readConnectionSettings(settings),
    () => keyStore.get(),
    log,
  );
  const filter = new FilterState();
  const tree = new FilesTreeView(client, keyStore, settings, filter, log);
  const preview = new PreviewFileSystemProvider(client);
  const diagnostics = vscode.languages.createDiagnosticCollection('mistral');
  context.subscriptions.push(log, keyStore, filter, tree, preview.register(), diagnostics, { dispose: () => void client.dispose() });

  const deps: CoreDeps = { context, log, client, keyStore, settings, tree, diagnostics, filter, preview };
  context.subscriptions.push(
    registerCommands(deps),
    // Only a loaded list says anything about a file: before it (after a reset, a failure) every preview would look unlisted.
    watchDeletedPreviews(preview, tree.onDidChangeTreeData, (fileId) => tree.model.rootState.kind !== 'ready' || tree.model.find(fileId) !== undefined),
    vscode.workspace.onDidChangeConfiguration((event) => {
      const connectionChanged = CONNECTION_SETTINGS.some((key) => event.affectsConfiguration(key)) && client.reconfigure();
      if (connectionChanged || event.affectsConfiguration('mistral.pageSize')) tree.refresh();
    }),
  );
  // The welcome content and menus read this before the view is ever opened.
  void seedDemoKey(process.env, settings, keyStore)
    .then(() => keyStore.get())
    .then((key) => vscode.commands.executeCommand('setContext', 'mistral.hasApiKey', key !== undefined))
    .catch((err: unknown) => log.error(`Could not read the stored API key: ${err instanceof Error ? err.message : String(err)}`));
  return { deps };
}

export function deactivate(): void {}
