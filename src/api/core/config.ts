/** How a client is set up: key, endpoint, proxy, retries, logging. Shared by every service's client. */
/** Matches the methods of VS Code's LogOutputChannel, so the extension passes its channel straight in. */
export interface ApiLogger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  maxRetries: number;
  /** Default 500 ms. */
  initialDelayMs: number;
  /** Default 1.5. */
  multiplier: number;
  /** Cap on one wait, including a Retry-After. Default 30 s. */
  maxDelayMs: number;
  /** Give up when the next wait would pass this since the first attempt. Default 120 s. */
  maxElapsedMs: number;
}

export interface ClientConfig {
  /** Read on every request, so a key change applies at once. The value is never logged. */
  apiKey: string | (() => string | undefined | Promise<string | undefined>);
  /** Default https://api.mistral.ai; a path prefix (https://host/mistral) is kept. */
  baseUrl?: string;
  /** Explicit proxy URL; otherwise HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment. */
  proxy?: string;
  /** Reject invalid TLS certificates (VS Code's http.proxyStrictSSL). Default true. */
  strictSSL?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Overall deadline of a JSON call (retries included) and idle limit of a transfer, ms. Default 120 000. */
  timeoutMs?: number;
  logger?: ApiLogger;
  userAgent?: string;
}
