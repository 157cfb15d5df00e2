import * as vscode from 'vscode';
import { MistralApiError, asError, isKeyRejection } from '../../../api/core/errors';
import type { FilesApi } from '../../../api/files/filesApi';
import type { RetrievedFile } from '../../../api/files/types';
import { openPreviewUris } from './openPreviews';
import { PREVIEW_SCHEME, fileIdOfPreviewUri } from './previewUri';

/** Metadata is immutable per id (only deletion changes it), so a short cache spares the stat calls editors repeat. */
const STAT_CACHE_MS = 10_000;

/** Maps API failures to the FileSystemErrors editors understand (FileNotFound shows VS Code's "file not found"). */
export function toFileSystemError(err: unknown, uri: vscode.Uri): Error {
  if (err instanceof vscode.FileSystemError) return err;
  if (err instanceof MistralApiError) {
    if (err.status === 404) {
      return vscode.FileSystemError.FileNotFound(vscode.l10n.t('{0} no longer exists on Mistral (it was deleted).', uri.path.split('/').pop() ?? uri.path));
    }
    if (isKeyRejection(err)) return vscode.FileSystemError.NoPermissions(err.message);
    if (err.kind === 'network' || (err.status !== undefined && err.status >= 500)) return vscode.FileSystemError.Unavailable(err.message);
    return new Error(err.message);
  }
  return asError(err);
}

/**
 * `mistral-file:/<fileId>/<filename>`: a read-only file system over the Files API, so a preview is an ordinary
 * editor (language from the name, image preview for images) that can never write back.
 */
export class PreviewFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly stats = new Map<string, { file: RetrievedFile; at: number }>();

  /** Ids already reported deleted: ids are never reused, so they need not be asked about again. */
  private readonly knownDeleted = new Set<string>();

  /**
   * `unknownSizeLimitBytes`: the most a preview reads of a file whose size the service does not report (`bytes: null`).
   * A known size was already put to the user before opening (Open Preview asks above `mistral.preview.maxSizeMB`).
   */
  constructor(
    private readonly client: FilesApi,
    private readonly unknownSizeLimitBytes: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  /** Registers the provider read-only; the returned disposable unregisters it and disposes the provider. */
  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(PREVIEW_SCHEME, this, { isReadonly: true, isCaseSensitive: true }),
      this,
    );
  }

  /** Tells open editors a file is gone, so they show it as deleted. */
  private notifyDeleted(uri: vscode.Uri): void {
    const id = fileIdOfPreviewUri(uri);
    if (id) {
      this.stats.delete(id);
      this.knownDeleted.add(id);
    }
    this.changed.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  /** Files this extension deleted: their open previews show them as deleted, without asking the service again. */
  notifyDeletedFiles(fileIds: readonly string[]): void {
    const ids = new Set(fileIds);
    for (const uri of openPreviewUris()) {
      const id = fileIdOfPreviewUri(uri);
      if (id !== undefined && ids.has(id)) this.notifyDeleted(uri);
    }
    fileIds.forEach((id) => this.knownDeleted.add(id));
  }

  /**
   * Asks the service whether these previews still exist and reports the deleted ones, so their tabs show the file
   * as deleted instead of stale content. Only open previews are checked: a handful of retrieve calls.
   */
  async reportDeleted(uris: readonly vscode.Uri[]): Promise<void> {
    for (const uri of uris) {
      const id = fileIdOfPreviewUri(uri);
      if (!id || this.knownDeleted.has(id)) continue;
      this.stats.delete(id);
      try {
        await this.retrieve(id, uri);
      } catch (err) {
        if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') this.notifyDeleted(uri);
      }
    }
  }

  watch(): vscode.Disposable {
    // Remote files change only by deletion, which notifyDeleted reports; there is nothing to poll.
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const segments = uri.path.split('/').filter((segment) => segment !== '');
    if (segments.length < 2) {
      if (segments.length === 1) await this.retrieve(segments[0], uri);
      return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0, permissions: vscode.FilePermission.Readonly };
    }
    const id = fileIdOfPreviewUri(uri);
    if (!id) throw vscode.FileSystemError.FileNotFound(uri);
    const file = await this.retrieve(id, uri);
    const time = Number.isFinite(file.created_at) ? file.created_at * 1000 : 0;
    return { type: vscode.FileType.File, ctime: time, mtime: time, size: file.bytes ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const id = fileIdOfPreviewUri(uri);
    if (!id) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      const known = this.stats.get(id)?.file.bytes;
      if (known !== null && known !== undefined) return await this.client.readContent(id);
      return await this.readCapped(id, uri);
    } catch (err) {
      if (err instanceof vscode.FileSystemError) throw err;
      if (err instanceof MistralApiError && err.status === 404) this.stats.delete(id);
      throw toFileSystemError(err, uri);
    }
  }

  /** Streams a file of unknown size, stopping (and saying so) at the preview limit instead of filling memory. */
  private async readCapped(id: string, uri: vscode.Uri): Promise<Uint8Array> {
    const limit = this.unknownSizeLimitBytes();
    const { body } = await this.client.openContent(id);
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > limit) {
        body.destroy();
        throw vscode.FileSystemError.Unavailable(
          vscode.l10n.t(
            '{0} is larger than the preview limit (setting "mistral.preview.maxSizeMB") and the service does not report its size. Download it instead.',
            uri.path.split('/').pop() ?? id,
          ),
        );
      }
      chunks.push(chunk);
    }
    return new Uint8Array(Buffer.concat(chunks, received));
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    const segments = uri.path.split('/').filter((segment) => segment !== '');
    // Listing every remote file as a directory is the tree's job; a file's folder holds just that file.
    if (segments.length !== 1) return [];
    const file = await this.retrieve(segments[0], uri);
    return [[file.filename, vscode.FileType.File]];
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
  rename(oldUri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(oldUri);
  }

  private async retrieve(id: string, uri: vscode.Uri): Promise<RetrievedFile> {
    const cached = this.stats.get(id);
    if (cached && Date.now() - cached.at < STAT_CACHE_MS) return cached.file;
    let file: RetrievedFile;
    try {
      file = await this.client.retrieve(id);
    } catch (err) {
      this.stats.delete(id);
      throw toFileSystemError(err, uri);
    }
    if (file.deleted) throw vscode.FileSystemError.FileNotFound(vscode.l10n.t('{0} was deleted.', file.filename));
    this.stats.set(id, { file, at: Date.now() });
    return file;
  }

  dispose(): void {
    this.changed.dispose();
    this.stats.clear();
  }
}
