import type { FilesApi, ClientConfig, ApiLogger } from '../../api/filesApi';
import type {
  CallOptions,
  DeletedFile,
  DownloadOptions,
  FileList,
  ListFilesParams,
  RetrievedFile,
  SignedUrl,
  UploadOptions,
  MistralFile,
} from '../../api/types';
import type { ConnectionSettings } from './settings';

/** A FilesApi that owns sockets (an undici dispatcher) and must be disposed. */
export interface DisposableFilesApi extends FilesApi {
  dispose(): void | Promise<void>;
}

export type ClientConstructor = (config: ClientConfig) => DisposableFilesApi;

export function clientConfig(
  connection: ConnectionSettings,
  apiKey: ClientConfig['apiKey'],
  logger: ApiLogger,
): ClientConfig {
  return { apiKey, baseUrl: connection.baseUrl, proxy: connection.proxy, strictSSL: connection.strictSSL, logger };
}

function sameConnection(a: ConnectionSettings, b: ConnectionSettings): boolean {
  return a.baseUrl === b.baseUrl && a.proxy === b.proxy && a.strictSSL === b.strictSSL;
}

/** Stands in when the settings cannot make a client (a malformed base URL): every call rejects with why. */
class UnusableClient implements DisposableFilesApi {
  constructor(private readonly reason: unknown) {}
  private fail(): Promise<never> {
    return Promise.reject(this.reason);
  }
  list(): Promise<FileList> { return this.fail(); }
  retrieve(): Promise<RetrievedFile> { return this.fail(); }
  delete(): Promise<DeletedFile> { return this.fail(); }
  upload(): Promise<MistralFile> { return this.fail(); }
  downloadToFile(): Promise<{ bytes: number }> { return this.fail(); }
  openContent(): ReturnType<FilesApi['openContent']> { return this.fail(); }
  readContent(): Promise<Uint8Array> { return this.fail(); }
  getSignedUrl(): Promise<SignedUrl> { return this.fail(); }
  dispose(): void {}
}

interface ClientSlot {
  client: DisposableFilesApi;
  /** Calls (and open content streams) still using this client. */
  inFlight: number;
  retired: boolean;
}

/**
 * The FilesApi handed to every command: it delegates to a client built from the current base URL and proxy settings
 * and swaps that client when they change, so `deps.client` stays one stable object. A call already running keeps the
 * client it started on (a 500 MB upload is not cut by a settings change); the old client is disposed once its last
 * call settles.
 */
export class ReconfigurableFilesApi implements FilesApi {
  private slot: ClientSlot;
  private connection: ConnectionSettings;

  constructor(
    private readonly construct: ClientConstructor,
    private readonly readConnection: () => ConnectionSettings,
    private readonly apiKey: ClientConfig['apiKey'],
    private readonly logger: ApiLogger,
  ) {
    this.connection = readConnection();
    this.slot = { client: this.build(this.connection, apiKey), inFlight: 0, retired: false };
  }

  private build(connection: ConnectionSettings, apiKey: ClientConfig['apiKey']): DisposableFilesApi {
    try {
      return this.construct(clientConfig(connection, apiKey, this.logger));
    } catch (err) {
      // The reason names the host where it matters; the raw setting may hold a user:password the check refused.
      this.logger.error(`Cannot use the API endpoint: ${err instanceof Error ? err.message : String(err)}`);
      return new UnusableClient(err);
    }
  }

  /** Rebuilds the client when the connection settings differ from the ones in use; true when it did. */
  reconfigure(): boolean {
    const next = this.readConnection();
    if (sameConnection(next, this.connection)) return false;
    const previous = this.slot;
    this.connection = next;
    this.slot = { client: this.build(next, this.apiKey), inFlight: 0, retired: false };
    this.logger.info(`API endpoint now ${next.baseUrl}${next.proxy ? ' (through a proxy)' : ''}`);
    previous.retired = true;
    if (previous.inFlight === 0) void this.disposeQuietly(previous.client);
    return true;
  }

  /** A separate client with an explicit key, for checking a key before it is stored. Dispose it after use. */
  withKey(apiKey: string): DisposableFilesApi {
    return this.build(this.readConnection(), apiKey);
  }

  private async use<T>(call: (client: DisposableFilesApi) => Promise<T>, holdUntil?: (result: T) => Promise<void>): Promise<T> {
    const slot = this.slot;
    slot.inFlight++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) void this.disposeQuietly(slot.client);
    };
    try {
      const result = await call(slot.client);
      if (holdUntil) void holdUntil(result).finally(release);
      else release();
      return result;
    } catch (err) {
      release();
      throw err;
    }
  }

  list(params?: ListFilesParams, options?: CallOptions): Promise<FileList> {
    return this.use((client) => client.list(params, options));
  }
  retrieve(fileId: string, options?: CallOptions): Promise<RetrievedFile> {
    return this.use((client) => client.retrieve(fileId, options));
  }
  delete(fileId: string, options?: CallOptions): Promise<DeletedFile> {
    return this.use((client) => client.delete(fileId, options));
  }
  upload(localPath: string, options?: UploadOptions): Promise<MistralFile> {
    return this.use((client) => client.upload(localPath, options));
  }
  downloadToFile(fileId: string, destinationPath: string, options?: DownloadOptions): Promise<{ bytes: number }> {
    return this.use((client) => client.downloadToFile(fileId, destinationPath, options));
  }
  openContent(fileId: string, options?: DownloadOptions): ReturnType<FilesApi['openContent']> {
    return this.use(
      (client) => client.openContent(fileId, options),
      // The stream keeps using the client's connection until it is consumed or destroyed.
      (opened) => new Promise<void>((resolve) => {
        if (opened.body.destroyed || opened.body.readableEnded) resolve();
        else opened.body.once('close', () => resolve());
      }),
    );
  }
  readContent(fileId: string, options?: DownloadOptions): Promise<Uint8Array> {
    return this.use((client) => client.readContent(fileId, options));
  }
  getSignedUrl(fileId: string, expiryHours?: number, options?: CallOptions): Promise<SignedUrl> {
    return this.use((client) => client.getSignedUrl(fileId, expiryHours, options));
  }

  async dispose(): Promise<void> {
    this.slot.retired = true;
    await this.disposeQuietly(this.slot.client);
  }

  private async disposeQuietly(client: DisposableFilesApi): Promise<void> {
    try {
      await client.dispose();
    } catch (err) {
      this.logger.warn(`Closing an API client failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
