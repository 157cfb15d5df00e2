import * as vscode from 'vscode';
import { MistralClient } from '../api/client';
import { removeLiveTempFilesSync } from '../util/safeOutput';
import { errorMessage } from '../api/core/errors';
import { BatchJobsView } from './batch/view/batchJobsView';
import { registerCommands } from './commands';
import type { Deps } from './deps';
import { watchDeletedPreviews } from './files/preview/openPreviews';
import { PreviewFileSystemProvider } from './files/preview/previewFileSystem';
import { FilesTreeView } from './files/tree/filesTreeView';
import { FilterState } from './files/tree/filterState';
import { SecretApiKeyStore } from './shared/apiKeyStore';
import { WalkthroughProgress } from './account/walkthroughProgress';
import { seedDemoKey } from './shared/demoKey';
import { ReconfigurableClient } from './shared/reconfigurableClient';
import { CONNECTION_SETTINGS, VsCodeSettings, readConnectionSettings } from './shared/settings';
import { registerValidationCodeActions } from './validation/codeActions';
import { LiveValidation } from './validation/live';
import { ProblemsCollections } from './validation/problems';

/**
 * What `activate` returns: the one `Deps` every command gets, and the views behind its interfaces, which integration
 * tests (and other extensions) inspect.
 */
export interface MistralFilesExtensionApi {
  readonly deps: Deps;
  readonly filesView: FilesTreeView;
  readonly batchView: BatchJobsView;
  readonly previews: PreviewFileSystemProvider;
}

/** Composition root: builds the shared pieces once, registers commands, and hands every disposable to VS Code. */
export function activate(context: vscode.ExtensionContext): MistralFilesExtensionApi {
  const log = vscode.window.createOutputChannel('Mistral Files', { log: true });
  const settings = new VsCodeSettings();
  const keyStore = new SecretApiKeyStore(context.secrets);
  const walkthrough = new WalkthroughProgress(context.globalState, keyStore.onDidChangeHasKey);
  const client = new ReconfigurableClient(
    (config) => new MistralClient(config),
    () => readConnectionSettings(settings),
    () => keyStore.get(),
    log,
  );
  const problems = new ProblemsCollections();
  const previews = new PreviewFileSystemProvider(client.files, () => settings.previewMaxSizeMB * 1_000_000);
  const filter = new FilterState();
  const filesView = new FilesTreeView({ client: client.files, keyStore, settings, filter, log, previews, workspaceState: context.workspaceState });
  const batchView = new BatchJobsView({ client: client.batch, keyStore, settings, log });
  context.subscriptions.push(log, keyStore, walkthrough, problems, filter, filesView, batchView, previews.register(), { dispose: () => void client.dispose() });

  const deps: Deps = { context, log, client, keyStore, settings, files: filesView, batchJobs: batchView, previews, problems, walkthrough };
  context.subscriptions.push(
    registerCommands(deps),
    new LiveValidation(deps),
    registerValidationCodeActions(),
    // Only a loaded list says anything about a file: before it (after a reset, a failure) every preview would look unlisted.
    watchDeletedPreviews(previews, filesView.onDidChangeTreeData, (fileId) => filesView.isListedOrUnknown(fileId)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      const connectionChanged = CONNECTION_SETTINGS.some((key) => event.affectsConfiguration(key)) && client.reconfigure();
      if (connectionChanged || event.affectsConfiguration('mistral.pageSize')) {
        filesView.refresh();
        batchView.refresh();
      }
    }),
  );
  // The welcome content and menus read `mistral.hasApiKey` (set by the key store) before the view is ever opened.
  void seedDemoKey(process.env, settings, keyStore)
    .then(() => keyStore.get())
    .catch((err: unknown) => log.error(`Could not read the stored API key: ${errorMessage(err)}`));
  return { deps, filesView, batchView, previews };
}

/** A download cut by the window closing must not leave its hidden temp file behind. */
export function deactivate(): void {
  removeLiveTempFilesSync();
}
