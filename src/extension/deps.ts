/**
 * What commands, views and providers are given: one `Deps`, built in `activate()` from small interfaces. Commands
 * call these interfaces, never the classes behind them, so a test can build a `Deps` from fakes
 * (test/integration/support.ts builds the real one).
 */
import type * as vscode from 'vscode';
import type { BatchJob } from '../api/batch/types';
import type { DisposableMistralApi, MistralApi } from '../api/client';
import type { FilePurpose, MistralFile } from '../api/files/types';
import type { ValidationResult } from '../validation/types';
import type { FileFilter } from './files/tree/filesModel';
import type { FileSortOrder } from './files/tree/sortOrder';
import type { WalkthroughRecorder } from './account/walkthroughProgress';

/** Reads the API key from SecretStorage and says when it changes (in this window or another one). */
export interface ApiKeyStore {
  get(): Promise<string | undefined>;
  /** Stores the key (SecretStorage only). */
  set(key: string): Promise<void>;
  clear(): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** The extension's settings, read fresh on each access (see package.json `contributes.configuration`). */
export interface Settings {
  readonly baseUrl: string;
  readonly pageSize: number;
  readonly validationBeforeUpload: 'block' | 'warn' | 'off';
  readonly liveValidation: boolean;
  readonly maxProblems: number;
  readonly previewMaxSizeMB: number;
  readonly defaultSignedUrlExpiryHours: number;
  readonly defaultVisibility: 'workspace' | 'user';
  /** After an upload: select the file in the Files view always (opening it), only when it is visible, or never. */
  readonly revealAfterUpload: 'always' | 'whenVisible' | 'never';
}

/** The Mistral services, following the connection settings; `withKey` checks a key before it is stored. */
export interface ApiClient extends MistralApi {
  withKey(apiKey: string): DisposableMistralApi;
}

/** The filter the Files view applies to its lists (mirrored in the `mistral.filterActive` context key). */
export interface FilesFilter {
  readonly value: FileFilter;
  readonly active: boolean;
  set(filter: FileFilter): void;
  clear(): void;
}

/** What commands may ask of the Files view. */
export interface FilesTree {
  /** Reloads one purpose group, or everything. */
  refresh(purpose?: FilePurpose): void;
  /** Resolves when the root and the groups' first pages (or one group's reload) have loaded or failed. */
  whenLoaded(purpose?: FilePurpose): Promise<void>;
  /** Loads the next page of a group. Rejects with the API error. */
  loadMore(purpose: FilePurpose): Promise<void>;
  /**
   * Shows and selects a file's node, loading its group first (up to `maxPages` pages); false when it is not listed.
   * `focus: false` leaves the keyboard focus where it is.
   */
  reveal(file: MistralFile, options?: { focus?: boolean; maxPages?: number }): Promise<boolean>;
  /**
   * Selects a file without taking the focus: at once when the view is showing, otherwise the next time it shows
   * (an upload from the Explorer does not switch the side bar).
   */
  revealWhenShown(file: MistralFile): Promise<void>;
  /** The purpose groups the view lists, in their order. */
  listedPurposes(): string[];
  /** What a group has loaded; undefined when the group is not listed. */
  groupStatus(purpose: string): { loaded: number; total: number | undefined; hasMore: boolean } | undefined;
  /** Loads every remaining page of a group. Rejects with the API error. */
  loadAll(purpose: FilePurpose, signal?: AbortSignal): Promise<void>;
  /** Each group's order, remembered per workspace; `set` without a purpose applies to every group. */
  readonly sort: { get(purpose: string): FileSortOrder; set(order: FileSortOrder, purpose?: string): Promise<void> };
  /** Files currently selected in the view. */
  selectedFiles(): MistralFile[];
  /** Files this extension deleted: their groups reload and open previews show them as deleted. */
  filesDeleted(files: ReadonlyArray<MistralFile | string>): void;
  /** The filter the view applies to its lists. */
  readonly filter: FilesFilter;
}

/** What commands may ask of the Batch Jobs view. */
export interface BatchJobsTree {
  /** Lists the jobs again. */
  refresh(): void;
  /** Resolves when the current list has loaded or failed. */
  whenLoaded(): Promise<void>;
  /** Loads the next page. Rejects with the API error. */
  loadMore(): Promise<void>;
  /** Shows and selects a job's row (added at the top when it is not listed yet). */
  reveal(job: BatchJob): Promise<void>;
  /** Jobs currently selected in the view. */
  selectedJobs(): BatchJob[];
  /** The listed job with this id, if any. */
  job(id: string): BatchJob | undefined;
  /** A newer copy of a job (after create, cancel, a watch): its row updates in place. */
  jobChanged(job: BatchJob): void;
  /** Jobs this extension deleted: their rows go. */
  jobsDeleted(ids: readonly string[]): void;
  /** Follows a job the user started until it ends, then says so and offers its results. */
  watch(job: BatchJob): void;
  /** The statuses the view lists (empty: every job). */
  readonly statusFilter: readonly string[];
  /** Lists only jobs in these statuses, or every job when empty; reloads the list. */
  setStatusFilter(statuses: readonly string[]): void;
}

/** Read-only previews of remote files (`mistral-file:` URIs). */
export interface FilePreviews {
  stat(uri: vscode.Uri): Promise<vscode.FileStat>;
}

/**
 * The one owner of the Problems entries: live validation (the open text) and Validate / pre-upload runs (the file on
 * disk) describe the same files, so publishing one replaces the other and a mistake is never listed twice.
 */
export interface Problems {
  publishRun(uri: vscode.Uri, result: ValidationResult): void;
  publishLive(uri: vscode.Uri, result: ValidationResult): void;
  hasLive(uri: vscode.Uri): boolean;
  /** Drops one document's live results, or all of them. */
  clearLive(uri?: vscode.Uri): void;
}

/** Everything a command needs; built once in activate(). */
export interface Deps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: ApiClient;
  readonly keyStore: ApiKeyStore;
  readonly settings: Settings;
  readonly files: FilesTree;
  readonly batchJobs: BatchJobsTree;
  readonly previews: FilePreviews;
  readonly problems: Problems;
  readonly walkthrough: WalkthroughRecorder;
}

/**
 * The shape tree-item commands receive: VS Code passes (clicked, selected[]) for a multi-select view.
 * Commands also accept file ids or MistralFile objects so other extensions and tests can drive them.
 */
export type FileArg = MistralFile | { file: MistralFile } | string;
