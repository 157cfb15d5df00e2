/** Base URL rules and the connection pool (proxy, TLS) every request goes through. */
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, ProxyAgent } from './undiciLite';
import * as dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { invalidRequest, redactUrlCredentials } from './errorMapping';

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
    // A malformed URL may still carry user:password@; it is quoted without them.
    throw invalidRequest(`The base URL "${redactUrlCredentials(text)}" is not a valid URL; expected something like ${DEFAULT_BASE_URL}`);
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
 *
 * strictSSL false (the CLI's --insecure, VS Code's http.proxyStrictSSL) relaxes certificate checks only on the way
 * through a proxy: the proxy's own certificate and the one a re-signing proxy presents for the API host. A direct
 * connection to the API (no proxy, or a NO_PROXY host) is always verified.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const strict = {};
  const proxied = options.strictSSL ? {} : { rejectUnauthorized: false };
  if (options.loopback) return new Agent({ connect: { ...strict, lookup: loopbackOnlyLookup } });
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
    return new ProxyAgent({ uri: proxyUrl.href, requestTls: proxied, proxyTls: proxied });
  }
  return new EnvHttpProxyAgent({ connect: strict, requestTls: proxied, proxyTls: proxied });
}

/** Whether an address (as a resolver returns it) is on this machine. */
export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\./.test(address) || /^::ffff:127\./i.test(address);
}

/** dns.lookup with `all: true`, the one form loopbackLookup needs; a seam for tests. */
export type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * The resolver for "loopback" base URLs. A name like dev.localhost is meant to stay on this machine (RFC 6761), but
 * a resolver may still answer with a public address, and the key would then cross the network in plain http: any
 * answer with an address that is not loopback is refused before connecting.
 */
export function loopbackLookup(resolveAll: ResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (err, list) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      const outside = list.find((entry) => !isLoopbackAddress(entry.address));
      if (outside || list.length === 0) {
        const refusal = Object.assign(new Error(`${hostname} resolves to ${outside?.address ?? 'nothing'}, not to this machine`), {
          code: 'MISTRAL_NOT_LOOPBACK',
        });
        callback(refusal, '', 0);
        return;
      }
      if ((options as dns.LookupOptions).all) (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, list);
      else callback(null, list[0].address, list[0].family);
    });
  };
}

const loopbackOnlyLookup = loopbackLookup((hostname, options, callback) => dns.lookup(hostname, options, callback));
