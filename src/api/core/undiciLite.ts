/**
 * The parts of undici the client uses, required from their own modules. `require('undici')` also loads fetch,
 * WebSocket, caches, mocks and HTTP/2 helpers that this client never calls; every CLI command paid for them at
 * start-up. The types still come from undici's public declarations.
 *
 * undici's entry point does one piece of set-up beyond exporting: it installs the request/stream/pipeline/connect/
 * upgrade API on `Dispatcher.prototype`. ProxyAgent opens its CONNECT tunnel through that `connect`, so the same
 * installation is done here (a missing `connect` once broke HTTPS through a proxy; a test runs the bundled CLI
 * through a tunnelling proxy to keep it so).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep requires of undici's own modules, see above */
import type * as Undici from 'undici';

const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
const dispatcherApi = require('undici/lib/api/index.js') as Record<string, unknown>;
if (!('connect' in Dispatcher.prototype)) Object.assign(Dispatcher.prototype, dispatcherApi);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent;

/** undici's `request(url, options)` for an explicit dispatcher, without the global-dispatcher machinery. */
export function request(
  dispatcher: Undici.Dispatcher,
  url: string,
  options: Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Undici.Dispatcher.ResponseData> {
  const parsed = new URL(url);
  return dispatcher.request({ ...options, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` });
}
