import * as vscode from 'vscode';
import { MistralApiError, errorMessage, isKeyRejection } from '../../../api/core/errors';
import type { FilesApi } from '../../../api/files/filesApi';
import type { FilePurpose, MistralFile } from '../../../api/files/types';
import type { ApiKeyStore, FilesTree, Settings } from '../../deps';
import type { PreviewFileSystemProvider } from '../preview/previewFileSystem';
import { FilesDragAndDropController } from './dragAndDrop';
import { FilesModel, type PurposeGroup } from './filesModel';
import type { FilterState } from './filterState';
import { sortFiles } from './sortOrder';
import { SortState } from './sortState';
import {
  fileTreeItem,
  groupTreeItem,
  loadMoreTreeItem,
  messageTreeItem,
  type FileNode,
  type GroupNode,
  type LoadMoreNode,
  type MessageNode,
  type TreeNode,
} from './treeItems';

export const FILES_VIEW_ID = 'mistral.files';

/** Why the root could not load, as the welcome content and the view message show it. */
export type RootProblem = 'noKey' | 'keyRejected' | 'unreachable' | undefined;

/** The welcome content variant for a failed load (package.json viewsWelcome reads `mistral.loadProblem`). */
export type LoadProblem = 'network' | 'server' | 'config' | 'other';

export function classifyLoadProblem(err: unknown): LoadProblem {
  if (!(err instanceof MistralApiError)) return 'other';
  if (err.kind === 'network') return 'network';
  if (err.kind === 'invalid-request') return 'config';
  if (err.status !== undefined && (err.status >= 500 || err.status === 429 || err.status === 408)) return 'server';
  return 'other';
}

export interface FilesTreeViewDeps {
  client: FilesApi;
  keyStore: ApiKeyStore;
  settings: Settings;
  filter: FilterState;
  log: vscode.LogOutputChannel;
  /** Told when this extension deletes files, so their open previews show them as deleted. */
  previews: Pick<PreviewFileSystemProvider, 'notifyDeletedFiles'>;
  /** Where per-workspace view state (the sort orders) is kept. */
  workspaceState?: vscode.Memento;
}

/** Why the root is empty: the problem, the reason the view message shows, and the welcome-content variant. */
interface RootProblemState {
  problem: Exclude<RootProblem, undefined>;
  message: string;
  loadProblem?: LoadProblem;
}

/**
 * The "Files" view: purpose groups, their pages, "Load more…" rows, and the view-level states (no key, key rejected,
 * service unreachable, filter active) mirrored into context keys for the welcome content and menus.
 */
export class FilesTreeView implements FilesTree, vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly model: FilesModel;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly dragAndDrop = new FilesDragAndDropController();
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly groupNodes = new Map<string, GroupNode>();
  private readonly fileNodes = new Map<string, FileNode>();
  private readonly loadMoreNodes = new Map<string, LoadMoreNode>();
  private readonly disposables: vscode.Disposable[] = [];
  private rootProblem: RootProblemState | undefined;
  /** The last upload made while the view was hidden: selected when the view shows. */
  private pendingReveal: MistralFile | undefined;
  private loggedFailure: unknown;
  private readonly keyStore: ApiKeyStore;
  private readonly settings: Settings;
  readonly filter: FilterState;
  private readonly log: vscode.LogOutputChannel;
  private readonly previews: FilesTreeViewDeps['previews'];
  readonly sort: SortState;

  constructor({ client, keyStore, settings, filter, log, previews, workspaceState }: FilesTreeViewDeps) {
    this.sort = new SortState(workspaceState);
    this.keyStore = keyStore;
    this.settings = settings;
    this.filter = filter;
    this.log = log;
    this.previews = previews;
    this.model = new FilesModel(client, {
      pageSize: () => settings.pageSize,
      filter: () => filter.value,
      onDidChange: (purpose) => this.changed.fire(purpose === undefined ? undefined : this.groupNode(purpose)),
    });
    this.treeView = vscode.window.createTreeView(FILES_VIEW_ID, {
      treeDataProvider: this,
      canSelectMany: true,
      showCollapseAll: true,
      dragAndDropController: this.dragAndDrop,
    });
    this.disposables.push(
      this.treeView,
      this.changed,
      // The key may change in another window while this view is hidden: menus and welcome content follow at once.
      keyStore.onDidChange(() => {
        this.refresh();
        void this.whenLoaded();
      }),
      filter.onDidChange(() => this.refresh()),
      this.sort,
      this.treeView.onDidChangeVisibility(({ visible }) => {
        const file = this.pendingReveal;
        if (!visible || !file) return;
        this.pendingReveal = undefined;
        void this.reveal(file, { focus: false }).catch((err: unknown) => this.log.warn(`Could not reveal ${file.id}: ${errorMessage(err)}`));
      }),
      this.sort.onDidChange((purpose) => this.changed.fire(purpose === undefined ? undefined : this.groupNode(purpose))),
    );
  }

  /** The current root problem, for tests and commands. */
  get problem(): RootProblem {
    return this.rootProblem?.problem;
  }

  /** The reason shown in the view message (also hidden behind the welcome content, so it goes to the log too). */
  get problemMessage(): string | undefined {
    return this.rootProblem?.message;
  }

  refresh(purpose?: FilePurpose): void {
    if (purpose !== undefined && this.model.rootState.kind === 'ready' && this.model.group(purpose)) {
      void this.model.reloadGroup(purpose);
      return;
    }
    this.model.reset();
    this.changed.fire(undefined);
  }

  /** Resolves when the root (and every group's first page) has loaded or failed, with the view state updated. */
  async whenLoaded(purpose?: FilePurpose): Promise<void> {
    if (purpose !== undefined) await this.model.group(purpose)?.loading?.catch(() => undefined);
    await this.rootChildren();
  }

  filesDeleted(files: ReadonlyArray<MistralFile | string>): void {
    // Files passed as bare ids have no known purpose: then every group reloads.
    const purposes = new Set(files.map((file) => (typeof file === 'string' ? undefined : file.purpose)));
    if (purposes.has(undefined)) this.refresh();
    else purposes.forEach((purpose) => this.refresh(purpose));
    this.previews.notifyDeletedFiles(files.map((file) => (typeof file === 'string' ? file : file.id)));
  }

  /** False only when the list has loaded and does not hold the file (it may have been deleted elsewhere). */
  isListedOrUnknown(fileId: string): boolean {
    return this.model.rootState.kind !== 'ready' || this.model.find(fileId) !== undefined;
  }

  /**
   * Shows and selects a file, paging its group up to `maxPages` to reach it. False when it is not listed (the filter
   * hides it, or it is gone). `focus: false` selects it without moving the keyboard focus into the view.
   */
  async reveal(file: MistralFile, options: { focus?: boolean; maxPages?: number } = {}): Promise<boolean> {
    if (!(await this.model.ensureFileLoaded(file, options.maxPages))) {
      this.log.info(`Not revealing ${file.id}: it is not listed under the current filter.`);
      return false;
    }
    const found = this.model.find(file.id);
    if (!found) return false;
    const node = this.fileNode(found.file, found.group.purpose);
    await this.treeView.reveal(node, { select: true, focus: options.focus ?? true, expand: false });
    return true;
  }

  async revealWhenShown(file: MistralFile): Promise<void> {
    if (this.treeView.visible) {
      this.pendingReveal = undefined;
      await this.reveal(file, { focus: false });
    } else {
      this.pendingReveal = file;
    }
  }

  listedPurposes(): string[] {
    return this.model.rootState.kind === 'ready' ? this.model.groups().map((group) => group.purpose) : [];
  }

  /** What a group has loaded, for commands that offer to load the rest. */
  groupStatus(purpose: string): { loaded: number; total: number | undefined; hasMore: boolean } | undefined {
    const group = this.model.group(purpose);
    return group && { loaded: group.files.length, total: group.total, hasMore: group.hasMore };
  }

  /** Loads every page of a group, with the view's progress bar. Rejects with the API error. */
  async loadAll(purpose: FilePurpose, signal?: AbortSignal): Promise<void> {
    await vscode.window.withProgress({ location: { viewId: FILES_VIEW_ID } }, async () => {
      // Each page is one request; an abort between pages stops the loop without discarding what has loaded.
      await this.model.loadAll(purpose, Number.POSITIVE_INFINITY, () => {
        if (signal?.aborted) throw new DOMException('Loading cancelled', 'AbortError');
      });
    });
  }

  selectedFiles(): MistralFile[] {
    return this.treeView.selection.filter((node): node is FileNode => node.kind === 'file').map((node) => node.file);
  }

  /** Loads the next page of a group, with the view's progress bar. Rejects with the API error. */
  async loadMore(purpose: FilePurpose): Promise<void> {
    await vscode.window.withProgress({ location: { viewId: FILES_VIEW_ID } }, () => this.model.loadMore(purpose));
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group':
        return groupTreeItem(this.model.group(node.purpose), node.purpose, this.sort.get(node.purpose), this.filter.active);
      case 'file':
        return fileTreeItem(node.file);
      case 'loadMore':
        return loadMoreTreeItem(this.model.group(node.purpose), node.purpose, this.sort.get(node.purpose));
      case 'message':
        return messageTreeItem(node);
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.kind === 'group' ? undefined : this.groupNode(node.purpose);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node === undefined) return this.rootChildren();
    if (node.kind !== 'group') return [];
    await this.model.settled();
    const group = this.model.group(node.purpose);
    if (!group) return [];
    await group.loading?.catch(() => undefined);
    return this.groupChildren(group);
  }

  private async rootChildren(): Promise<TreeNode[]> {
    const key = await this.keyStore.get();
    if (key === undefined) {
      this.model.reset();
      this.setProblem({ problem: 'noKey', message: undefined });
      return [];
    }
    const state = await this.model.settled();
    if (state.kind === 'failed') {
      const reason = errorMessage(state.error);
      if (isKeyRejection(state.error)) {
        this.setProblem({ problem: 'keyRejected', message: vscode.l10n.t('The API key was rejected by the service ({0}). Set a valid key.', reason) });
      } else {
        this.setProblem({
          problem: 'unreachable',
          message: vscode.l10n.t('Could not load files from {0}: {1}', this.endpointHost(), reason),
          loadProblem: classifyLoadProblem(state.error),
        });
      }
      // VS Code and commands may ask for the root several times per load; the failure is logged once.
      if (this.loggedFailure !== state.error) {
        this.loggedFailure = state.error;
        this.log.warn(`Listing files failed: ${state.error instanceof MistralApiError ? state.error.describe() : reason}`);
      }
      return [];
    }
    this.setProblem(undefined);
    // Which service is being browsed, unless it is the default one (EU/US endpoints, gateways, the emulator).
    const host = this.endpointHost();
    this.treeView.description = host === 'api.mistral.ai' ? undefined : host;
    return this.model.groups().map((group) => this.groupNode(group.purpose));
  }

  /** The base URL's host (and path prefix), as typed when it cannot be parsed. */
  private endpointHost(): string {
    try {
      const url = new URL(this.settings.baseUrl);
      return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return this.settings.baseUrl;
    }
  }

  private groupChildren(group: PurposeGroup): TreeNode[] {
    const children: TreeNode[] = sortFiles(group.files, this.sort.get(group.purpose)).map((file) => this.fileNode(file, group.purpose));
    if (group.error !== undefined) {
      children.push(this.messageNode(group.purpose, vscode.l10n.t('Could not load more: {0} (click to retry)', errorMessage(group.error)), true, group.errorIn));
    } else if (children.length === 0) {
      const text = this.filter.active ? vscode.l10n.t('No files match the filter') : vscode.l10n.t('No files');
      children.push(this.messageNode(group.purpose, text, false));
    }
    if (group.hasMore && group.error === undefined) children.push(this.loadMoreNode(group.purpose));
    return children;
  }

  private setProblem(state: (Omit<RootProblemState, 'message'> & { message: string | undefined }) | undefined): void {
    this.rootProblem = state && { ...state, message: state.message ?? '' };
    void vscode.commands.executeCommand('setContext', 'mistral.loadProblem', state?.loadProblem ?? '');
    void vscode.commands.executeCommand('setContext', 'mistral.keyRejected', state?.problem === 'keyRejected');
    void vscode.commands.executeCommand('setContext', 'mistral.unreachable', state?.problem === 'unreachable');
    this.updateMessage();
  }

  /**
   * The view message says a filter is active and how to clear it. VS Code hides welcome content while a view has a
   * message, so whenever a welcome should show (no key, key refused, service unreachable) the view has none: the
   * welcome carries the buttons (Set API Key, Retry, Show Log, Open Settings) and the log the exact reason.
   */
  updateMessage(): void {
    if (this.rootProblem === undefined && this.filter.active) {
      this.treeView.message = vscode.l10n.t('Filtered: {0}. Use Clear Filter in the view title to show all files.', this.filter.describe());
    } else {
      this.treeView.message = undefined;
    }
  }

  private groupNode(purpose: string): GroupNode {
    let node = this.groupNodes.get(purpose);
    if (!node) {
      node = { kind: 'group', purpose };
      this.groupNodes.set(purpose, node);
    }
    return node;
  }

  private fileNode(file: MistralFile, purpose: string): FileNode {
    let node = this.fileNodes.get(file.id);
    if (!node || node.purpose !== purpose) {
      node = { kind: 'file', purpose, file };
      this.fileNodes.set(file.id, node);
    }
    node.file = file;
    return node;
  }

  private loadMoreNode(purpose: string): LoadMoreNode {
    let node = this.loadMoreNodes.get(purpose);
    if (!node) {
      node = { kind: 'loadMore', purpose };
      this.loadMoreNodes.set(purpose, node);
    }
    return node;
  }

  private messageNode(purpose: string, text: string, isError: boolean, retry?: MessageNode['retry']): MessageNode {
    return { kind: 'message', purpose, text, isError, retry };
  }

  dispose(): void {
    this.model.reset();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
