/**
 * The data behind the Files tree, kept free of `vscode` so its paging and grouping are unit-tested on their own.
 * Each purpose group pages through the server's `purpose` filter. A purpose the server refuses as a filter (a 422:
 * purposes are a closed enum in the list query, yet files may carry one we do not know) is filled instead from the
 * unfiltered listing, which is also how purposes outside the known four are discovered.
 */
import type { FilesApi } from '../../../api/files/filesApi';
import { MistralApiError, isAbortError } from '../../../api/core/errors';
import { KNOWN_PURPOSE_ORDER } from '../../shared/purposes';
import { type FileList, type ListFilesParams, type MistralFile } from '../../../api/files/types';

export interface FileFilter {
  /** Case-insensitive substring of the file name (the server's `search`). */
  search?: string;
  sampleTypes?: string[];
  sources?: string[];
}

export function isFilterActive(filter: FileFilter): boolean {
  return Boolean(filter.search) || (filter.sampleTypes?.length ?? 0) > 0 || (filter.sources?.length ?? 0) > 0;
}

/** The largest page the tree asks for; refresh reloads what was shown in one request up to this size. */
export const MAX_PAGE_SIZE = 1000;

export interface PurposeGroup {
  readonly purpose: string;
  readonly known: boolean;
  /** `server`: pages with the purpose filter; `client`: collected from the unfiltered listing. */
  mode: 'server' | 'client';
  files: MistralFile[];
  /** From the server's `total`; undefined when it did not say. */
  total: number | undefined;
  hasMore: boolean;
  /** Next page index in units of the page size. */
  nextPage: number;
  /** The last load of this group failed; shown in the tree until the next successful load. */
  error: unknown;
  /** Which load `error` is from, so retrying it repeats that load: the next page, or the reload of the shown ones. */
  errorIn?: 'loadMore' | 'reload';
  loading: Promise<void> | undefined;
  /** Bumped by reloads so a slower, older answer cannot overwrite a newer one. */
  generation: number;
}

interface Pager {
  files: MistralFile[];
  nextPage: number;
  hasMore: boolean;
  total: number | undefined;
}

export interface FilesModelOptions {
  pageSize(): number;
  filter(): FileFilter;
  /** `purpose` undefined: the set of groups (or the root state) changed. */
  onDidChange(purpose: string | undefined): void;
}

export type RootState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready' }
  | { kind: 'failed'; error: unknown };

function filterParams(filter: FileFilter): ListFilesParams {
  return {
    search: filter.search || undefined,
    sampleType: filter.sampleTypes?.length ? filter.sampleTypes : undefined,
    source: filter.sources?.length ? filter.sources : undefined,
  };
}

/** Whether the server said it cannot filter by this purpose (FastAPI's enum check answers 422). */
function isPurposeRefused(err: unknown): boolean {
  return err instanceof MistralApiError && err.kind === 'http' && (err.status === 422 || err.status === 400);
}

function morePagesRemain(page: FileList, received: number, pageSize: number): boolean {
  if (typeof page.total === 'number') return received < page.total;
  return page.data.length >= pageSize;
}

export class FilesModel {
  private readonly groupsByPurpose = new Map<string, PurposeGroup>();
  private discovery: Pager = { files: [], nextPage: 0, hasMore: false, total: undefined };
  private discoveryLoading: Promise<void> | undefined;
  private controller = new AbortController();
  private rootPromise: Promise<void> | undefined;
  private state: RootState = { kind: 'idle' };

  constructor(
    private readonly client: FilesApi,
    private readonly options: FilesModelOptions,
  ) {}

  get rootState(): RootState {
    return this.state;
  }

  /** Known purposes first in their fixed order, then the others by name. */
  groups(): PurposeGroup[] {
    const known = KNOWN_PURPOSE_ORDER.map((purpose) => this.groupsByPurpose.get(purpose)).filter((g): g is PurposeGroup => !!g);
    const unknown = [...this.groupsByPurpose.values()].filter((g) => !g.known).sort((a, b) => a.purpose.localeCompare(b.purpose));
    return [...known, ...unknown];
  }

  group(purpose: string): PurposeGroup | undefined {
    return this.groupsByPurpose.get(purpose);
  }

  /** Forgets everything and aborts what is in flight; the next `ensureLoaded` starts over. */
  reset(): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.groupsByPurpose.clear();
    this.discovery = { files: [], nextPage: 0, hasMore: false, total: undefined };
    this.discoveryLoading = undefined;
    this.rootPromise = undefined;
    this.state = { kind: 'idle' };
  }

  /** Loads the first page of every group (for their counts) once; never rejects: failures land in `rootState`. */
  ensureLoaded(): Promise<void> {
    this.rootPromise ??= this.loadRoot(this.controller.signal);
    return this.rootPromise;
  }

  /** Waits for the current root load, following any reset that happened meanwhile. */
  async settled(): Promise<RootState> {
    for (;;) {
      const promise = this.ensureLoaded();
      await promise;
      if (promise === this.rootPromise) return this.state;
    }
  }

  private async loadRoot(signal: AbortSignal): Promise<void> {
    this.state = { kind: 'loading' };
    try {
      const pageSize = this.options.pageSize();
      const filter = filterParams(this.options.filter());
      const discoveryPage = this.client.list({ ...filter, page: 0, pageSize, includeTotal: true }, { signal });
      const knownGroups = KNOWN_PURPOSE_ORDER.map((purpose) => this.newGroup(purpose, true));
      await Promise.all([
        discoveryPage.then((page) => this.acceptDiscoveryPage(page, pageSize)),
        ...knownGroups.map((group) => this.loadFirstPage(group, pageSize, signal)),
      ]);
      if (signal.aborted) return;
      for (const group of knownGroups) this.groupsByPurpose.set(group.purpose, group);
      const unknown = this.discoveredPurposes().map((purpose) => this.newGroup(purpose, false));
      await Promise.all(unknown.map((group) => this.loadFirstPage(group, pageSize, signal)));
      if (signal.aborted) return;
      for (const group of unknown) this.groupsByPurpose.set(group.purpose, group);
      this.syncClientGroups();
      this.state = { kind: 'ready' };
    } catch (err) {
      if (signal.aborted) return;
      this.groupsByPurpose.clear();
      this.state = { kind: 'failed', error: err };
    }
  }

  private newGroup(purpose: string, known: boolean): PurposeGroup {
    return { purpose, known, mode: 'server', files: [], total: undefined, hasMore: false, nextPage: 0, error: undefined, loading: undefined, generation: 0 };
  }

  /** Purposes seen in the unfiltered listing that have no group yet. */
  private discoveredPurposes(): string[] {
    const seen = new Set<string>();
    for (const file of this.discovery.files) {
      if (typeof file.purpose === 'string' && file.purpose !== '' && !this.groupsByPurpose.has(file.purpose)) seen.add(file.purpose);
    }
    return [...seen];
  }

  private async loadFirstPage(group: PurposeGroup, pageSize: number, signal: AbortSignal, requestSize = pageSize): Promise<void> {
    if (group.mode === 'client') return;
    let page: FileList;
    try {
      page = await this.client.list(
        { ...filterParams(this.options.filter()), purpose: group.purpose, page: 0, pageSize: requestSize, includeTotal: true },
        { signal },
      );
    } catch (err) {
      if (!isPurposeRefused(err)) throw err;
      group.mode = 'client';
      return;
    }
    group.files = [];
    appendUnique(group.files, page.data);
    group.total = typeof page.total === 'number' ? page.total : undefined;
    group.hasMore = morePagesRemain(page, page.data.length, requestSize);
    group.nextPage = Math.max(1, Math.round(requestSize / pageSize));
    group.error = undefined;
  }

  private acceptDiscoveryPage(page: FileList, pageSize: number): void {
    const receivedBefore = this.discovery.nextPage * pageSize;
    appendUnique(this.discovery.files, page.data);
    this.discovery.nextPage++;
    this.discovery.total = typeof page.total === 'number' ? page.total : undefined;
    this.discovery.hasMore = morePagesRemain(page, receivedBefore + page.data.length, pageSize);
  }

  /** Client-mode groups show what the unfiltered listing has brought in so far. */
  private syncClientGroups(): void {
    for (const group of this.groupsByPurpose.values()) {
      if (group.mode !== 'client') continue;
      group.files = this.discovery.files.filter((file) => file.purpose === group.purpose);
      group.hasMore = this.discovery.hasMore;
      group.total = this.discovery.hasMore ? undefined : group.files.length;
    }
  }

  /** Loads the next page of a group. Rejects with the API error (also kept in `group.error`). */
  loadMore(purpose: string): Promise<void> {
    const group = this.groupsByPurpose.get(purpose);
    if (!group || !group.hasMore) return Promise.resolve();
    if (group.loading) return group.loading;
    const signal = this.controller.signal;
    const generation = group.generation;
    const run = async (): Promise<void> => {
      try {
        if (group.mode === 'client') {
          await this.loadMoreDiscovery(signal);
          return;
        }
        const pageSize = this.options.pageSize();
        const page = await this.client.list(
          { ...filterParams(this.options.filter()), purpose, page: group.nextPage, pageSize, includeTotal: true },
          { signal },
        );
        if (signal.aborted || generation !== group.generation) return;
        appendUnique(group.files, page.data);
        group.nextPage++;
        group.total = typeof page.total === 'number' ? page.total : group.total;
        group.hasMore = morePagesRemain(page, (group.nextPage - 1) * pageSize + page.data.length, pageSize);
        group.error = undefined;
      } catch (err) {
        if (signal.aborted || isAbortError(err)) return;
        // A reload started meanwhile owns the group now; this page's failure is not its state.
        if (generation === group.generation) {
          group.error = err;
          group.errorIn = 'loadMore';
        }
        throw err;
      } finally {
        if (group.loading === promise) group.loading = undefined;
        if (!signal.aborted) this.options.onDidChange(purpose);
      }
    };
    const promise = run();
    group.loading = promise;
    return promise;
  }

  private loadMoreDiscovery(signal: AbortSignal): Promise<void> {
    if (this.discoveryLoading) return this.discoveryLoading;
    const run = async (): Promise<void> => {
      try {
        const pageSize = this.options.pageSize();
        const page = await this.client.list(
          { ...filterParams(this.options.filter()), page: this.discovery.nextPage, pageSize, includeTotal: true },
          { signal },
        );
        if (signal.aborted) return;
        this.acceptDiscoveryPage(page, pageSize);
        const newPurposes = this.discoveredPurposes();
        for (const purpose of newPurposes) {
          const group = this.newGroup(purpose, false);
          // A purpose first seen on a later page is filled from the listing rather than probed with another request.
          group.mode = 'client';
          this.groupsByPurpose.set(purpose, group);
        }
        this.syncClientGroups();
        if (newPurposes.length > 0) this.options.onDidChange(undefined);
        for (const group of this.groupsByPurpose.values()) if (group.mode === 'client') this.options.onDidChange(group.purpose);
      } finally {
        this.discoveryLoading = undefined;
      }
    };
    this.discoveryLoading = run();
    return this.discoveryLoading;
  }

  /**
   * Reloads one group keeping as many files as it showed (one request of up to MAX_PAGE_SIZE), so a refresh after an
   * upload or delete does not collapse the pages the user had loaded. Client-mode groups reload the whole tree.
   * Never rejects: a failure is kept in `group.error`.
   */
  async reloadGroup(purpose: string): Promise<void> {
    const group = this.groupsByPurpose.get(purpose);
    if (!group || group.mode === 'client') {
      this.reset();
      this.options.onDidChange(undefined);
      await this.ensureLoaded();
      return;
    }
    group.generation++;
    const generation = group.generation;
    const signal = this.controller.signal;
    const pageSize = this.options.pageSize();
    const pagesShown = Math.max(1, group.nextPage);
    const requestSize = Math.max(pageSize, Math.floor(Math.min(MAX_PAGE_SIZE, pagesShown * pageSize) / pageSize) * pageSize);
    const replacement = this.newGroup(purpose, group.known);
    const run = async (): Promise<void> => {
      try {
        await this.loadFirstPage(replacement, pageSize, signal, requestSize);
        if (signal.aborted || generation !== group.generation) return;
        if (replacement.mode === 'client') {
          group.mode = 'client';
          this.syncClientGroups();
        } else {
          group.files = replacement.files;
          group.total = replacement.total;
          group.hasMore = replacement.hasMore;
          group.nextPage = replacement.nextPage;
        }
        group.error = undefined;
      } catch (err) {
        if (signal.aborted || isAbortError(err) || generation !== group.generation) return;
        group.error = err;
        group.errorIn = 'reload';
      } finally {
        if (group.loading === promise) group.loading = undefined;
        if (!signal.aborted) this.options.onDidChange(purpose);
      }
    };
    const promise = run();
    group.loading = promise;
    await promise;
  }

  /** Where a file sits in the loaded pages, if it is loaded. */
  find(fileId: string): { group: PurposeGroup; file: MistralFile } | undefined {
    for (const group of this.groupsByPurpose.values()) {
      const file = group.files.find((candidate) => candidate.id === fileId);
      if (file) return { group, file };
    }
    return undefined;
  }

  /**
   * Pages a group to its end (sorting by name or size then covers every file). Stops at `maxFiles` or on a failure,
   * which rejects as `loadMore` does. `onPage` hears each page, for progress.
   */
  async loadAll(purpose: string, maxFiles = Number.POSITIVE_INFINITY, onPage?: (loaded: number, total: number | undefined) => void): Promise<void> {
    for (;;) {
      const group = this.groupsByPurpose.get(purpose);
      if (!group?.hasMore || group.files.length >= maxFiles) return;
      const before = group.files.length;
      await this.loadMore(purpose);
      onPage?.(group.files.length, group.total);
      // A page that brought nothing new (the listing shrank meanwhile) would otherwise loop for ever.
      if (group.files.length === before && group.hasMore) return;
    }
  }

  /**
   * Makes sure a file's node is loaded so it can be revealed: reloads its group, then pages on (at most `maxPages`).
   * Returns false when it cannot be found (the filter hides it, or it is gone).
   */
  async ensureFileLoaded(file: MistralFile, maxPages = 20): Promise<boolean> {
    await this.ensureLoaded();
    if (this.state.kind !== 'ready') return false;
    // A reload already on its way (the refresh after an upload) may bring the file: wait for it before asking again.
    await this.groupsByPurpose.get(file.purpose)?.loading?.catch(() => undefined);
    if (this.find(file.id)) return true;
    if (!this.groupsByPurpose.has(file.purpose)) {
      this.reset();
      this.options.onDidChange(undefined);
      await this.ensureLoaded();
    } else {
      await this.reloadGroup(file.purpose);
    }
    for (let pages = 0; !this.find(file.id) && pages < maxPages; pages++) {
      const group = this.groupsByPurpose.get(file.purpose);
      if (!group?.hasMore || group.error) break;
      await this.loadMore(file.purpose).catch(() => undefined);
    }
    return this.find(file.id) !== undefined;
  }
}

/** Appends files not already present (pages can overlap when files are added between two page loads). */
function appendUnique(target: MistralFile[], incoming: readonly MistralFile[]): void {
  const ids = new Set(target.map((file) => file.id));
  for (const file of incoming) {
    if (file && typeof file.id === 'string' && !ids.has(file.id)) {
      ids.add(file.id);
      target.push(file);
    }
  }
}
