/** Base URL rules and the connection pool (proxy, TLS) every request goes through. */
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undiciLite';
import { invalidRequest } from './errorMapping';

export const DEFAULT_BASE_URL = 'https://api.mistral.ai';

export interface Endpoint {
  /** Absolute URL of the API's version root, prefix kept: https://host/mistral/v1. Services append their paths. */
  v1Url: string;
  /** scheme://host[:port] for messages: never a path, query or credentials. */
  displayOrigin: string;
  loopback: boolean;
}

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine, so plain http and no proxy are fine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveEndpoint(baseUrl: string | undefined): Endpoint {
  const text = (baseUrl ?? '').trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidRequest(`The base URL "${text}" is not a valid URL; expected something like ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidRequest(`The base URL must start with https:// (got ${url.protocol}//)`);
  }
  const loopback = isLoopbackHost(url.hostname);
  const displayOrigin = `${url.protocol}//${url.host}`;
  if (url.protocol === 'http:' && !loopback) {
    throw invalidRequest(
      `Refusing to send the API key over plain http to ${displayOrigin}; use https:// (plain http is only allowed for localhost)`,
    );
  }
  if (url.username || url.password) {
    throw invalidRequest('The base URL must not contain a user name or password; the API key is sent as a header');
  }
  if (url.search || url.hash) {
    throw invalidRequest('The base URL must not contain a query (?…) or fragment (#…)');
  }
  // A proxy mounted at https://host/mistral must receive /mistral/v1/files, so the path is kept, trailing slashes dropped.
  const prefix = url.pathname.replace(/\/+$/, '');
  return { v1Url: `${url.protocol}//${url.host}${prefix}/v1`, displayOrigin, loopback };
}

export interface DispatcherOptions {
  proxy?: string;
  strictSSL: boolean;
  loopback: boolean;
}

/**
 * Loopback targets get a plain Agent (no proxy ever). Otherwise an explicit proxy wins; else undici's
 * EnvHttpProxyAgent reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY (upper or lower case) like curl does.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = options.strictSSL ? {} : { rejectUnauthorized: false };
  if (options.loopback) return new Agent({ connect: tls });
  if (options.proxy) {
    let proxyUrl: URL;
    try {
      proxyUrl = new URL(options.proxy);
    } catch {
      throw invalidRequest('The proxy setting is not a valid URL; expected something like http://proxy.example:3128');
    }
    if (!['http:', 'https:'].includes(proxyUrl.protocol)) {
      throw invalidRequest(`Unsupported proxy scheme ${proxyUrl.protocol}; use an http:// or https:// proxy`);
    }
    return new ProxyAgent({ uri: proxyUrl.href, requestTls: tls, proxyTls: tls });
  }
  return new EnvHttpProxyAgent({ connect: tls, requestTls: tls, proxyTls: tls });
}
