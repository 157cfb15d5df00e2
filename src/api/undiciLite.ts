/**
 * The parts of undici the client uses. They come from undici's public entry point: deep requires of its internal
 * modules skip the set-up that entry point does (the Dispatcher's `connect` API, which ProxyAgent's CONNECT tunnel
 * needs), and broke HTTPS through a proxy.
 */
import { Agent, EnvHttpProxyAgent, ProxyAgent, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';

export { Agent, EnvHttpProxyAgent, ProxyAgent };

/** undici's `request(url, options)` for an explicit dispatcher. */
export function request(
  dispatcher: Dispatcher,
  url: string,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Dispatcher.ResponseData> {
  return undiciRequest(url, { ...options, dispatcher }) as Promise<Dispatcher.ResponseData>;
}
