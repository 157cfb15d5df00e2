import type { ExtensionDeps } from './deps';
import type { ReconfigurableFilesApi } from './config/clientFactory';
import type { PreviewFileSystemProvider } from './providers/previewFileSystem';
import type { FilesTreeView } from './views/filesTreeView';
import type { FilterState } from './views/filterState';

/**
 * What the extension's own core commands need beyond ExtensionDeps. `activate()` returns `{ deps }` typed as this,
 * so integration tests can reach the tree's model and state.
 */
export interface CoreDeps extends ExtensionDeps {
  readonly client: ReconfigurableFilesApi;
  readonly tree: FilesTreeView;
  readonly filter: FilterState;
  readonly preview: PreviewFileSystemProvider;
}
