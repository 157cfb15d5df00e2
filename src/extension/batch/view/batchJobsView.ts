import * as vscode from 'vscode';
import type { BatchApi } from '../../../api/batch/batchApi';
import type { BatchJob } from '../../../api/batch/types';
import { MistralApiError, errorMessage, isKeyRejection } from '../../../api/core/errors';
import type { ApiKeyStore, BatchJobsTree, Settings } from '../../deps';
import { BatchJobsModel } from './batchJobsModel';
import { BATCH_JOBS_VIEW_ID, jobTreeItem, jobsLoadMoreTreeItem, type BatchTreeNode, type JobNode, type JobsLoadMoreNode } from './batchTreeItems';
import { BatchJobWatcher } from './jobWatcher';

export { BATCH_JOBS_VIEW_ID };

export interface BatchJobsViewDeps {
  client: Pick<BatchApi, 'list' | 'waitFor'>;
  keyStore: ApiKeyStore;
  settings: Settings;
  log: vscode.LogOutputChannel;
}

/**
 * The "Batch Jobs" view: the jobs newest first, a "Load more…" row, rows updated in place while the view is visible
 * and a job is active (the polling lives in BatchJobsModel), and the watcher for jobs the user started.
 */
export class BatchJobsView implements BatchJobsTree, vscode.TreeDataProvider<BatchTreeNode>, vscode.Disposable {
  readonly model: BatchJobsModel;
  readonly treeView: vscode.TreeView<BatchTreeNode>;
  readonly watcher: BatchJobWatcher;
  private readonly changed = new vscode.EventEmitter<BatchTreeNode | BatchTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly jobNodes = new Map<string, JobNode>();
  private readonly loadMoreNode: JobsLoadMoreNode = { kind: 'loadMore' };
  private readonly disposables: vscode.Disposable[] = [];
  private loggedFailure: unknown;
  private statuses: readonly string[] = [];

  constructor(private readonly deps: BatchJobsViewDeps) {
    this.model = new BatchJobsModel(deps.client, {
      pageSize: () => deps.settings.pageSize,
      statuses: () => this.statuses,
      onDidChange: (jobs) => {
        if (jobs === undefined) {
          this.changed.fire(undefined);
          return;
        }
        this.changed.fire(jobs.map((job) => this.jobNode(job)));
      },
      onPollError: (err) => deps.log.warn(`Polling batch jobs failed: ${err instanceof MistralApiError ? err.describe() : errorMessage(err)}`),
    });
    this.watcher = new BatchJobWatcher({ client: deps.client, log: deps.log, onJob: (job) => this.jobChanged(job) });
    this.treeView = vscode.window.createTreeView(BATCH_JOBS_VIEW_ID, { treeDataProvider: this, canSelectMany: true });
    this.model.setVisible(this.treeView.visible);
    this.disposables.push(
      this.treeView,
      this.changed,
      this.watcher,
      this.treeView.onDidChangeVisibility((event) => this.model.setVisible(event.visible)),
      deps.keyStore.onDidChange(() => this.refresh()),
    );
  }

  get statusFilter(): readonly string[] {
    return this.statuses;
  }

  /** Lists only jobs in these statuses (the service filters); empty shows every job. Mirrored in `mistral.batchFilterActive`. */
  setStatusFilter(statuses: readonly string[]): void {
    this.statuses = [...new Set(statuses)];
    void vscode.commands.executeCommand('setContext', 'mistral.batchFilterActive', this.statuses.length > 0);
    this.treeView.description = this.statuses.length > 0 ? vscode.l10n.t('Status: {0}', this.statuses.join(', ')) : undefined;
    this.refresh();
  }

  refresh(): void {
    this.model.reset();
    this.changed.fire(undefined);
  }

  async whenLoaded(): Promise<void> {
    await this.rootChildren();
  }

  async loadMore(): Promise<void> {
    await vscode.window.withProgress({ location: { viewId: BATCH_JOBS_VIEW_ID } }, () => this.model.loadMore());
  }

  async reveal(job: BatchJob): Promise<void> {
    await this.whenLoaded();
    this.jobChanged(job);
    if (!this.model.job(job.id)) return;
    await this.treeView.reveal(this.jobNode(this.model.job(job.id) ?? job), { select: true, focus: true });
  }

  selectedJobs(): BatchJob[] {
    return this.treeView.selection.filter((node): node is JobNode => node.kind === 'job').map((node) => node.job);
  }

  job(id: string): BatchJob | undefined {
    return this.model.job(id);
  }

  jobChanged(job: BatchJob): void {
    this.model.upsert(job);
  }

  jobsDeleted(ids: readonly string[]): void {
    this.model.remove(ids);
    for (const id of ids) this.jobNodes.delete(id);
  }

  watch(job: BatchJob): void {
    this.watcher.watch(job);
  }

  getTreeItem(node: BatchTreeNode): vscode.TreeItem {
    if (node.kind === 'job') return jobTreeItem(node.job);
    return jobsLoadMoreTreeItem(this.model.jobs.length, this.model.totalJobs);
  }

  getParent(): BatchTreeNode | undefined {
    return undefined;
  }

  async getChildren(node?: BatchTreeNode): Promise<BatchTreeNode[]> {
    return node === undefined ? this.rootChildren() : [];
  }

  private async rootChildren(): Promise<BatchTreeNode[]> {
    // Without a key the welcome content (`!mistral.hasApiKey`, owned by the key store) fills the view.
    if ((await this.deps.keyStore.get()) === undefined) {
      this.model.reset();
      this.treeView.message = undefined;
      return [];
    }
    const state = await this.model.settled();
    if (state.kind === 'failed') {
      const reason = errorMessage(state.error);
      this.treeView.message = isKeyRejection(state.error)
        ? vscode.l10n.t('The API key was rejected by the service ({0}). Set a valid key.', reason)
        : vscode.l10n.t('Could not list batch jobs: {0}', reason);
      if (this.loggedFailure !== state.error) {
        this.loggedFailure = state.error;
        this.deps.log.warn(`Listing batch jobs failed: ${state.error instanceof MistralApiError ? state.error.describe() : reason}`);
      }
      return [];
    }
    const jobs = this.model.jobs;
    if (jobs.length > 0) this.treeView.message = undefined;
    else if (this.statuses.length > 0) this.treeView.message = vscode.l10n.t('No batch job is {0}. Clear the filter to see every job.', this.statuses.join(', '));
    else this.treeView.message = vscode.l10n.t('No batch jobs yet. Create one from a batch file with Create Batch Job….');
    const nodes: BatchTreeNode[] = jobs.map((job) => this.jobNode(job));
    if (this.model.hasMore) nodes.push(this.loadMoreNode);
    return nodes;
  }

  /** One node per job id, its job replaced in place, so a change event for it updates the existing row. */
  private jobNode(job: BatchJob): JobNode {
    let node = this.jobNodes.get(job.id);
    if (!node) {
      node = { kind: 'job', job };
      this.jobNodes.set(job.id, node);
    }
    node.job = job;
    return node;
  }

  dispose(): void {
    this.model.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
