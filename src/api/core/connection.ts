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
import { Transport, resolveApiKey, type RequestSpec, type ResponseData } from './transport';

/** Seams for tests: a recorded, instant sleep proves Retry-After without wall-clock waits. */
export interface ClientInternals {
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
}

/**
 * Overall deadline of a JSON call and idle limit of a transfer. Two minutes: longer than any answer the service
 * gives when it is well (lists, job status, the answer after an upload) and short enough that a dead server is
 * reported while the user still waits; `timeoutMs` (the CLI's --timeout) changes it.
 */
export const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * The largest JSON answer read. A page of 10,000 files or a batch job with its error list stays far below it; a
 * broken or hostile server sending hundreds of megabytes must not make the client buffer them.
 */
export const MAX_JSON_BODY_BYTES = 32 * 1024 * 1024;
const DEFAULT_USER_AGENT = 'mistral-files-vscode/0.1';

export class ApiConnection {
  readonly endpoint: Endpoint;
  readonly transport: Transport;
  /** The clock and sleep the transport uses, so pollers wait the same (instantly, in tests) way. */
  readonly sleep: Sleep;
  readonly now: () => number;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

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
    this.timeoutMs = config.timeoutMs !== undefined && Number.isFinite(config.timeoutMs) && config.timeoutMs > 0 ? config.timeoutMs : DEFAULT_TIMEOUT_MS;
    this.transport = new Transport({
      dispatcher: this.dispatcher,
      displayOrigin: this.endpoint.displayOrigin,
      policy: resolveRetryPolicy(config.retry),
      timeoutMs: this.timeoutMs,
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

  /**
   * Sends, reads the JSON answer and checks its shape; a body that is not what Mistral sends becomes a clear error.
   * A call without a request body has an overall deadline (`timeoutMs`); an upload has the transfer's idle timeout.
   */
  async json<T>(spec: RequestSpec, parse: (value: unknown) => T): Promise<T> {
    const operation = `${spec.method} ${new URL(spec.url).pathname}`;
    const deadlineMs = spec.deadlineMs ?? (spec.body ? undefined : this.timeoutMs);
    // Read and checked inside the exchange: a body broken mid-way is a network failure under the request's retry
    // rules, and whatever the answer holds is masked like any other text from the network.
    return this.transport.exchange({ ...spec, deadlineMs }, async (response) => {
      const status = response.statusCode;
      const text = await readJsonBody(response, operation, spec.maxAnswerBytes ?? MAX_JSON_BODY_BYTES);
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
    });
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

/** The body as text, refused as soon as it passes `limit` bytes (announced or counted). */
async function readJsonBody(response: ResponseData, operation: string, limit: number): Promise<string> {
  const tooLarge = (): Error =>
    unexpectedResponse(operation, response.statusCode, `the answer is larger than ${limit / (1024 * 1024)} MB, far beyond any answer Mistral sends`);
  const announced = Number(response.headers['content-length']);
  if (Number.isFinite(announced) && announced > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function describeSnippet(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'empty body';
  return `starts with "${trimmed.slice(0, 40).replace(/\s+/g, ' ')}"`;
}
