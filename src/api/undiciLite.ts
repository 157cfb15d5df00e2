/**
 * The parts of undici the client uses, required from their own modules. `require('undici')` loads fetch,
 * WebSocket, caches and more (~1 MB of JavaScript); the CLI starts ~0.25 s faster on a busy machine and the
 * bundles shrink when only these are pulled in. The types still come from undici's public declarations.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deep requires of undici's own modules, see above */
import type * as Undici from 'undici';

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof Undici.ProxyAgent;
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent;

type RequestOptions = Undici.Dispatcher.RequestOptions;
const apiRequest = require('undici/lib/api/api-request.js') as (
  this: Undici.Dispatcher,
  options: RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

/** undici's `request(url, options)` for an explicit dispatcher, without the global-dispatcher machinery. */
export function request(
  dispatcher: Undici.Dispatcher,
  url: string,
  options: Omit<RequestOptions, 'origin' | 'path'>,
): Promise<Undici.Dispatcher.ResponseData> {
  const parsed = new URL(url);
  return apiRequest.call(dispatcher, { ...options, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` });
}
