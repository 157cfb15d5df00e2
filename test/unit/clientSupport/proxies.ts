/** Small loopback servers the network tests put between the client and the emulator. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';

export interface RunningServer {
  url: string;
  port: number;
  /** What the server saw: request lines for the prefix proxy, CONNECT targets for the tunnel proxy. */
  seen: string[];
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** A reverse proxy mounted at `prefix` (like https://host/mistral): strips it and forwards to `targetUrl`; 404 elsewhere. */
export async function startPrefixProxy(prefix: string, targetUrl: string): Promise<RunningServer> {
  const target = new URL(targetUrl);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (!req.url?.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"Not Found"}');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url.slice(prefix.length), headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, seen, close: closer(server, sockets) };
}

export interface TlsMaterial {
  key: string;
  cert: string;
}

/** A throwaway self-signed certificate for `hostname` (openssl); undefined when openssl is not installed. */
export function selfSignedCertificate(hostname: string): TlsMaterial | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2',
      '-subj', `/CN=${hostname}`, '-addext', `subjectAltName=DNS:${hostname}`,
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An HTTP CONNECT proxy that, whatever host is asked for, ends the tunnel's TLS with `material` and forwards the
 * plain HTTP to `targetUrl`: it stands in for "a corporate proxy in front of https://files.example.test".
 */
export async function startTunnelProxy(targetUrl: string, material: TlsMaterial): Promise<RunningServer> {
  const target = new URL(targetUrl);
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(405).end();
  });
  server.on('connect', (req: http.IncomingMessage, clientSocket: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) clientSocket.unshift(head);
    const secure = new tls.TLSSocket(clientSocket, { isServer: true, key: material.key, cert: material.cert });
    const upstream = net.connect(Number(target.port), target.hostname);
    secure.pipe(upstream).pipe(secure);
    const teardown = (): void => {
      secure.destroy();
      upstream.destroy();
      clientSocket.destroy();
    };
    secure.on('error', teardown);
    upstream.on('error', teardown);
    clientSocket.on('error', teardown);
    secure.on('close', teardown);
    upstream.on('close', teardown);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, seen, close: closer(server, sockets) };
}

/** Plain HTTP server answering every request with `handler`; records "METHOD path" and the headers it got. */
export async function startScriptedServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void,
): Promise<RunningServer & { headers: http.IncomingHttpHeaders[]; bodyLengths: number[]; connections: () => number }> {
  const seen: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const bodyLengths: number[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodyLengths.push(body.length);
      handler(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, seen, headers, bodyLengths, connections: () => connections, close: closer(server, sockets) };
}
