import { Readable } from 'node:stream';
import type { DisposableMistralApi, MistralApi } from '../../api/client';
import { MISTRAL_SERVICES } from '../../api/client';
import type { ApiLogger, ClientConfig } from '../../api/core/config';
import { redactUrlCredentials } from '../../api/core/errorMapping';
import { errorMessage } from '../../api/core/errors';
import type { ConnectionSettings } from './settings';

export type ClientConstructor = (config: ClientConfig) => DisposableMistralApi;

export function clientConfig(
  connection: ConnectionSettings,
  apiKey: ClientConfig['apiKey'],
  logger: ApiLogger,
): ClientConfig {
  return { apiKey, baseUrl: connection.baseUrl, proxy: connection.proxy, strictSSL: connection.strictSSL, timeoutMs: connection.timeoutMs, logger };
}

function sameConnection(a: ConnectionSettings, b: ConnectionSettings): boolean {
  return a.baseUrl === b.baseUrl && a.proxy === b.proxy && a.strictSSL === b.strictSSL && a.timeoutMs === b.timeoutMs;
}

type Service = (typeof MISTRAL_SERVICES)[number];
type AnyCall = (...args: unknown[]) => Promise<unknown>;

/** Builds one object per service whose every method is `forward(service, method, args)`. */
function forwardingServices(forward: (service: Service, method: string, args: unknown[]) => Promise<unknown>): MistralApi {
  const api: Partial<Record<Service, unknown>> = {};
  for (const service of MISTRAL_SERVICES) {
    api[service] = new Proxy({}, {
      get: (_target, method) => (typeof method === 'string' ? (...args: unknown[]) => forward(service, method, args) : undefined),
    });
  }
  return api as MistralApi;
}

/** Stands in when the settings cannot make a client (a malformed base URL): every call rejects with why. */
function unusableClient(reason: unknown): DisposableMistralApi {
  return { ...forwardingServices(() => Promise.reject(reason)), dispose: () => Promise.resolve() };
}

/** A stream (a file's content) keeps using the client's sockets until it is consumed or destroyed. */
function openStream(result: unknown): Readable | undefined {
  const body = (result as { body?: unknown } | null)?.body;
  return body instanceof Readable && !body.destroyed && !body.readableEnded ? body : undefined;
}

interface ClientSlot {
  client: DisposableMistralApi;
  /** Calls (and open content streams) still using this client. */
  inFlight: number;
  retired: boolean;
}

/**
 * The MistralApi handed to every command: it forwards each call to a client built from the current base URL and
 * proxy settings and swaps that client when they change, so `deps.client` stays one stable object. A call already
 * running keeps the client it started on (a 500 MB upload is not cut by a settings change); the old client is
 * disposed once its last call settles. Calls are forwarded by name, so a new API method needs no change here.
 */
export class ReconfigurableClient implements MistralApi {
  readonly files: MistralApi['files'];
  readonly batch: MistralApi['batch'];
  readonly documents: MistralApi['documents'];
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
    const services = forwardingServices((service, method, args) => this.use(service, method, args));
    this.files = services.files;
    this.batch = services.batch;
    this.documents = services.documents;
  }

  private build(connection: ConnectionSettings, apiKey: ClientConfig['apiKey']): DisposableMistralApi {
    try {
      return this.construct(clientConfig(connection, apiKey, this.logger));
    } catch (err) {
      // The reason names the host where it matters; the raw setting may hold a user:password the check refused.
      this.logger.error(`Cannot use the API endpoint: ${errorMessage(err)}`);
      return unusableClient(err);
    }
  }

  /** Rebuilds the client when the connection settings differ from the ones in use; true when it did. */
  reconfigure(): boolean {
    const next = this.readConnection();
    if (sameConnection(next, this.connection)) return false;
    const previous = this.slot;
    this.connection = next;
    this.slot = { client: this.build(next, this.apiKey), inFlight: 0, retired: false };
    // A base URL with user:password@ is refused, but the setting still holds it: never log it as typed.
    this.logger.info(`API endpoint now ${redactUrlCredentials(next.baseUrl)}${next.proxy ? ' (through a proxy)' : ''}`);
    previous.retired = true;
    if (previous.inFlight === 0) void this.disposeQuietly(previous.client);
    return true;
  }

  /** A separate client with an explicit key, for checking a key before it is stored. Dispose it after use. */
  withKey(apiKey: string): DisposableMistralApi {
    return this.build(this.readConnection(), apiKey);
  }

  private async use(service: Service, method: string, args: unknown[]): Promise<unknown> {
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
      const target = slot.client[service] as unknown as Record<string, AnyCall>;
      const result = await target[method](...args);
      const stream = openStream(result);
      if (stream) stream.once('close', release);
      else release();
      return result;
    } catch (err) {
      release();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    this.slot.retired = true;
    await this.disposeQuietly(this.slot.client);
  }

  private async disposeQuietly(client: DisposableMistralApi): Promise<void> {
    try {
      await client.dispose();
    } catch (err) {
      this.logger.warn(`Closing an API client failed: ${errorMessage(err)}`);
    }
  }
}
