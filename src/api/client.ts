/**
 * The client for every Mistral service this project uses, over one connection (one socket pool, one retry policy,
 * one error type). A new service adds its API interface to `MistralApi` and its client here; nothing else changes.
 */
import type { ClientConfig } from './core/config';
import { BatchClient } from './batch/batchClient';
import type { BatchApi } from './batch/batchApi';
import { ApiConnection, type ClientInternals } from './core/connection';
import type { DocumentsApi } from './documents/documentsApi';
import { DocumentsClient } from './documents/documentsClient';
import type { FilesApi } from './files/filesApi';
import { FilesClient } from './files/filesClient';

/** What the extension and the CLI ask of Mistral, one namespace per service. Every method rejects with MistralApiError only. */
export interface MistralApi {
  readonly files: FilesApi;
  readonly batch: BatchApi;
  readonly documents: DocumentsApi;
}

/** The namespaces of MistralApi, for wrappers that forward every call (the extension's reconfigurable client). */
export const MISTRAL_SERVICES = ['files', 'batch', 'documents'] as const satisfies ReadonlyArray<keyof MistralApi>;

/** A MistralApi that owns sockets and must be disposed. */
export interface DisposableMistralApi extends MistralApi {
  dispose(): Promise<void>;
}

export class MistralClient implements DisposableMistralApi {
  readonly files: FilesClient;
  readonly batch: BatchClient;
  readonly documents: DocumentsClient;
  private readonly connection: ApiConnection;

  /** Throws MistralApiError (kind 'invalid-request') for a base URL or proxy that cannot be used. */
  constructor(config: ClientConfig, internals: ClientInternals = {}) {
    this.connection = new ApiConnection(config, internals);
    this.files = new FilesClient(this.connection);
    this.batch = new BatchClient(this.connection);
    this.documents = new DocumentsClient(this.connection);
  }

  /** Closes pooled connections; requests still running are cut after a short grace period. */
  dispose(): Promise<void> {
    return this.connection.dispose();
  }
}
