/**
 * One connection to Mistral: the endpoint, the socket pool (proxy, TLS) and the transport with its retry policy.
 * Every service's client (files, batch, …) sends through the same connection, so they share sockets, retries,
 * error mapping and key handling.
 */
import type { Dispatcher } from 'undici';
import type { ClientConfig } from './config';
import { createDispatcher, resolveEndpoint, type Endpoint } from './endpoint';
import { unexpectedResponse } from './errorMapping';
import { abortableSleep, resolveRetryPolicy, type Sleep } from './retry';
import { ShapeError } from './shapes';
import { Transport, resolveApiKey, type RequestSpec } from './transport';

/** Seams for tests: a recorded, instant sleep proves Retry-After without wall-clock waits. */
export interface ClientInternals {
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_USER_AGENT = 'mistral-files-vscode/0.1';

export class ApiConnection {
  readonly endpoint: Endpoint;
  readonly transport: Transport;
  /** The clock and sleep the transport uses, so pollers wait the same (instantly, in tests) way. */
  readonly sleep: Sleep;
  readonly now: () => number;
  private readonly dispatcher: Dispatcher;

  /** Throws MistralApiError (kind 'invalid-request') for a base URL or proxy that cannot be used. */
  constructor(config: ClientConfig, internals: ClientInternals = {}) {
    this.endpoint = resolveEndpoint(config.baseUrl);
    this.dispatcher = createDispatcher({
      proxy: config.proxy?.trim() || undefined,
      strictSSL: config.strictSSL !== false,
      loopback: this.endpoint.loopback,
    });
    this.sleep = internals.sleep ?? abortableSleep;
    this.now = internals.now ?? Date.now;
    this.transport = new Transport({
      dispatcher: this.dispatcher,
      displayOrigin: this.endpoint.displayOrigin,
      policy: resolveRetryPolicy(config.retry),
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      userAgent: config.userAgent ?? DEFAULT_USER_AGENT,
      logger: config.logger,
      getApiKey: () => resolveApiKey(config.apiKey),
      sleep: this.sleep,
      random: internals.random ?? Math.random,
      now: this.now,
    });
  }

  /** `/files` → https://host/prefix/v1/files */
  url(path: string): string {
    return `${this.endpoint.v1Url}${path}`;
  }

  /** Sends, reads the JSON answer and checks its shape; a body that is not what Mistral sends becomes a clear error. */
  async json<T>(spec: RequestSpec, parse: (value: unknown) => T): Promise<T> {
    const operation = `${spec.method} ${new URL(spec.url).pathname}`;
    // Read inside the exchange: a body broken mid-way is a network failure under the request's retry rules.
    const { text, status } = await this.transport.exchange(spec, async (response) => ({
      text: await response.body.text(),
      status: response.statusCode,
    }));
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw unexpectedResponse(operation, status, `not JSON (${describeSnippet(text)})`);
    }
    try {
      return parse(value);
    } catch (err) {
      if (err instanceof ShapeError) throw unexpectedResponse(operation, status, err.message);
      throw err;
    }
  }

  /** Closes pooled connections; requests still running are cut after a short grace period. */
  async dispose(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 1000);
    });
    const outcome = await Promise.race([this.dispatcher.close().then(() => 'closed' as const), grace]).catch(() => 'timeout' as const);
    clearTimeout(timer);
    if (outcome === 'timeout') await this.dispatcher.destroy().catch(() => undefined);
  }
}

function describeSnippet(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'empty body';
  return `starts with "${trimmed.slice(0, 40).replace(/\s+/g, ' ')}"`;
}
