/**
 * One HTTP exchange with retries, logging and error mapping. The client's operations describe a request; this
 * file decides whether and when to try again and turns every failure into MistralApiError.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { request } from './undiciLite';
import type { ApiLogger, RetryPolicy } from './config';
import { MistralApiError } from './errors';
import {
  abortedAfterSendError,
  abortedError,
  deadlineError,
  errorCode,
  httpError,
  invalidRequest,
  maskError,
  networkError,
  type ApiTarget,
} from './errorMapping';
import { RETRYABLE_STATUSES, decideRetry, parseRetryAfterMs, type Sleep } from './retry';

export type ResponseData = Dispatcher.ResponseData;

/** A request body that can be produced afresh for each attempt and tells whether any of it reached the socket. */
export interface BodySource {
  headers: Record<string, string>;
  open(): { body: AsyncIterable<Uint8Array>; started(): boolean; finished?(): boolean; dispose(): void };
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  /** Absolute URL. */
  url: string;
  /** Whether the query belongs in the log line (list filters do; signed-URL parameters do not). */
  logQuery?: boolean;
  /** What the path names, so a 404 reads "File not found" only for a file. */
  target: ApiTarget;
  /** 'idempotent': retried on retryable statuses and connection errors. 'upload': only before any body byte left. */
  retryMode: 'idempotent' | 'upload';
  body?: BodySource;
  accept?: string;
  signal?: AbortSignal;
  /**
   * Overall limit for the whole call, retries and reading the answer included, ms. For answers of a known small
   * kind (JSON): an idle timeout alone lets a server that trickles one byte at a time hold the call forever.
   * Transfers leave it unset and rely on the idle timeout, so a slow link is never cut while it moves.
   */
  deadlineMs?: number;
  /** The largest JSON answer `ApiConnection.json` reads; default MAX_JSON_BODY_BYTES. OCR with images answers more. */
  maxAnswerBytes?: number;
}

export interface TransportDeps {
  dispatcher: Dispatcher;
  displayOrigin: string;
  policy: RetryPolicy;
  timeoutMs: number;
  userAgent: string;
  logger: ApiLogger | undefined;
  getApiKey: () => Promise<string>;
  sleep: Sleep;
  random: () => number;
  now: () => number;
}

/** Error bodies are read for their message only; a misbehaving server must not make us buffer megabytes. */
const ERROR_BODY_LIMIT = 64 * 1024;

/** Answers that say the request was refused before anything was stored, so even an upload may be sent again. */
const NOTHING_STORED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** A gateway's own failure: the service behind it may have carried out the request before the answer was lost. */
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([500, 502, 504]);

/**
 * Socket failures that happen before a request can reach the service (refused, DNS, TLS): such an attempt can
 * have had no effect. Any other network failure may have lost the answer to a request the service carried out.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'MISTRAL_NOT_LOOPBACK',
]);

export class Transport {
  constructor(private readonly deps: TransportDeps) {}

  /** Resolves with a 2xx response whose body the caller must consume or destroy; rejects with MistralApiError. */
  send(spec: RequestSpec): Promise<ResponseData> {
    return this.exchange(spec, async (response) => response);
  }

  /**
   * Sends and hands a 2xx response to `consume`, all under one retry budget: for an idempotent request, a body
   * that breaks while `consume` reads it (a reset, a short body) is tried again from the start like any other
   * network failure. A MistralApiError that `consume` throws is final unless it is a network one.
   */
  async exchange<T>(spec: RequestSpec, consume: (response: ResponseData) => Promise<T>): Promise<T> {
    const operation = `${spec.method} ${new URL(spec.url).pathname}`;
    if (spec.signal?.aborted) throw abortedError(operation);
    const apiKey = await this.deps.getApiKey();
    if (spec.deadlineMs === undefined) return this.attempts(spec, spec.signal, consume, apiKey);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), spec.deadlineMs);
    const signal = spec.signal ? AbortSignal.any([spec.signal, deadline.signal]) : deadline.signal;
    try {
      return await this.attempts(spec, signal, consume, apiKey);
    } catch (err) {
      if (deadline.signal.aborted && !spec.signal?.aborted && err instanceof MistralApiError && err.kind === 'aborted') {
        this.deps.logger?.info(`${operation} timed out after ${spec.deadlineMs} ms`);
        throw deadlineError(this.deps.displayOrigin, operation, spec.deadlineMs);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The retry loop under one signal (the caller's, or the caller's joined with the deadline). */
  private async attempts<T>(spec: RequestSpec, signal: AbortSignal | undefined, consume: (response: ResponseData) => Promise<T>, apiKey: string): Promise<T> {
    let earlierAttemptMayHaveApplied = false;
    try {
      return await this.attemptLoop(spec, signal, consume, apiKey, (value) => (earlierAttemptMayHaveApplied = value));
    } catch (err) {
      // Every field of the error may hold text from the network (a reflected header, a proxy's page): masked once, here.
      if (err instanceof MistralApiError) throw maskError(err, apiKey, earlierAttemptMayHaveApplied ? { earlierAttemptMayHaveApplied } : {});
      throw err;
    }
  }

  private async attemptLoop<T>(
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    consume: (response: ResponseData) => Promise<T>,
    apiKey: string,
    markEarlierMayHaveApplied: (value: boolean) => void,
  ): Promise<T> {
    const parsedUrl = new URL(spec.url);
    const logPath = spec.logQuery ? `${parsedUrl.pathname}${parsedUrl.search}` : parsedUrl.pathname;
    const operation = `${spec.method} ${parsedUrl.pathname}`;
    const started = this.deps.now();
    let mayHaveApplied = false;

    for (let retries = 0; ; retries++) {
      markEarlierMayHaveApplied(mayHaveApplied);
      const attemptBody = spec.body?.open();
      let response: ResponseData | undefined;
      let failure: MistralApiError | undefined;
      let bodyStarted = false;
      try {
        response = await request(this.deps.dispatcher, spec.url, {
          method: spec.method,
          headers: {
            authorization: `Bearer ${apiKey}`,
            accept: spec.accept ?? 'application/json',
            'user-agent': this.deps.userAgent,
            ...spec.body?.headers,
          },
          // undici streams any async iterable with back-pressure; its typings only list Readable.
          body: attemptBody?.body as Readable | undefined,
          signal,
          headersTimeout: this.deps.timeoutMs,
          bodyTimeout: this.deps.timeoutMs,
        });
      } catch (err) {
        bodyStarted = attemptBody?.started() ?? false;
        const bodyFinished = attemptBody?.finished?.() ?? false;
        attemptBody?.dispose();
        if (signal?.aborted) {
          this.logLine(spec.method, logPath, 'cancelled', started, retries);
          throw bodyFinished && spec.retryMode === 'upload' ? abortedAfterSendError(operation) : abortedError(operation);
        }
        failure = err instanceof MistralApiError ? err : networkError(err, this.deps.displayOrigin, operation, apiKey);
      }
      if (response) {
        bodyStarted = attemptBody?.started() ?? false;
        if (response.statusCode >= 200 && response.statusCode < 300) {
          this.logLine(spec.method, logPath, String(response.statusCode), started, retries);
          // The file stream is released once the answer has been read, not before: undici may still be finishing it.
          if (attemptBody) response.body.once('close', () => attemptBody.dispose());
          try {
            return await consume(response);
          } catch (err) {
            // Listened to first: destroying a body nobody reads would otherwise emit an unhandled 'error'.
            response.body.on('error', () => undefined);
            response.body.destroy();
            failure = err instanceof MistralApiError ? err : networkError(err, this.deps.displayOrigin, operation, apiKey);
          }
        } else {
          failure = await this.readHttpError(response, spec, operation, apiKey);
          attemptBody?.dispose();
        }
        if (signal?.aborted) {
          this.logLine(spec.method, logPath, 'cancelled', started, retries);
          const answered = response.statusCode >= 200 && response.statusCode < 300;
          throw spec.retryMode === 'upload' && answered ? abortedAfterSendError(operation) : abortedError(operation);
        }
      }
      if (!failure) throw new Error('unreachable: neither a response nor a failure');
      if (failure.kind === 'network' ? !NOT_SENT_CODES.has(errorCode(failure.cause) ?? '') : GATEWAY_STATUSES.has(failure.status ?? 0)) {
        mayHaveApplied = true;
      }

      const retryable =
        failure.kind === 'network' || (failure.status !== undefined && RETRYABLE_STATUSES.has(failure.status));
      // An upload that put even one byte on the wire may have created the file: a retry could duplicate it, unless
      // the answer says the request was turned away (rate limit, unavailable) and so stored nothing.
      const turnedAway = failure.kind === 'http' && failure.status !== undefined && NOTHING_STORED_STATUSES.has(failure.status);
      const allowedByMode = spec.retryMode === 'idempotent' || !bodyStarted || turnedAway;
      const decision = retryable && allowedByMode
        ? decideRetry(this.deps.policy, retries, this.deps.now() - started, failure.retryAfterMs, this.deps.random)
        : { retry: false as const };
      if (!decision.retry) {
        this.logLine(spec.method, logPath, failure.status !== undefined ? String(failure.status) : failureLabel(failure), started, retries);
        throw failure;
      }
      this.deps.logger?.debug(
        `${spec.method} ${logPath}: ${failure.status ?? failureLabel(failure)}; retry ${retries + 1} of ${this.deps.policy.maxRetries} in ${decision.delayMs} ms` +
          (failure.retryAfterMs !== undefined ? ` (Retry-After ${Math.ceil(failure.retryAfterMs / 1000)} s)` : ''),
      );
      try {
        await this.deps.sleep(decision.delayMs, signal);
      } catch {
        this.logLine(spec.method, logPath, 'cancelled', started, retries);
        throw abortedError(operation);
      }
    }
  }

  private async readHttpError(response: ResponseData, spec: RequestSpec, operation: string, apiKey: string): Promise<MistralApiError> {
    let body: unknown;
    try {
      const text = await readLimited(response.body, ERROR_BODY_LIMIT);
      try {
        body = JSON.parse(text);
      } catch {
        // Proxies answer with HTML; a short plain text is still worth showing.
        const plain = text.trim();
        body = plain && plain.length < 300 && !plain.startsWith('<') ? { message: plain } : undefined;
      }
    } catch {
      body = undefined;
    }
    return httpError({
      status: response.statusCode,
      body,
      headers: response.headers,
      operation,
      target: spec.target,
      retryAfterMs: parseRetryAfterMs(response.headers['retry-after'], this.deps.now()),
      secret: apiKey,
    });
  }

  private logLine(method: string, path: string, outcome: string, startedAt: number, retries: number): void {
    const duration = Math.round(this.deps.now() - startedAt);
    const retryText = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    this.deps.logger?.info(`${method} ${path} ${outcome} in ${duration} ms${retryText}`);
  }
}

function failureLabel(error: MistralApiError): string {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : error.kind;
}

async function readLimited(body: ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** Resolves the key for one request: trimmed, present, and sendable as a header (no line breaks or spaces inside). */
export async function resolveApiKey(source: string | (() => string | undefined | Promise<string | undefined>)): Promise<string> {
  let value: string | undefined;
  try {
    value = typeof source === 'function' ? await source() : source;
  } catch {
    throw invalidRequest('Could not read the Mistral API key');
  }
  const key = (value ?? '').trim();
  if (!key) throw invalidRequest('No Mistral API key is set');
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw invalidRequest('The Mistral API key contains spaces, line breaks or non-ASCII characters; paste it again');
  }
  return key;
}

