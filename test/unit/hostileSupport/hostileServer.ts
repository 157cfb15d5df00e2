/**
 * A rogue stand-in for Mistral on loopback: each route does one thing a broken or hostile server (or proxy) does —
 * reflect the Authorization header, send hundreds of megabytes of JSON, trickle an answer, never answer, reset a
 * connection after doing the work, put terminal escapes in its strings. The emulator stays a faithful service; the
 * misbehaviour lives here so that each defect class keeps a test.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as net from 'node:net';

export type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse, server: HostileServer) => void;

export interface HostileServer {
  url: string;
  /** "METHOD /path?query" of every request, in arrival order. */
  seen: string[];
  /** Authorization headers received, to prove what was sent. */
  authorizations: string[];
  /** Routes by "METHOD /v1/path" (no query); the first whose pattern matches answers. */
  routes: Array<{ method: string; path: RegExp; behaviour: Behaviour }>;
  on(method: string, path: RegExp, behaviour: Behaviour): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  const state: HostileServer = {
    url: '',
    seen: [],
    authorizations: [],
    routes: [],
    on(method, path, behaviour) {
      this.routes.push({ method, path, behaviour });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    state.seen.push(`${req.method} ${req.url}`);
    state.authorizations.push(req.headers.authorization ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = state.routes.find((r) => r.method === req.method && r.path.test(path));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no such route on the hostile server"}');
      return;
    }
    route.behaviour(req, res, state);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A file object as Mistral sends it, with any field replaced. */
export function fileObject(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '0b7a4d0e-2f6a-4c59-9d4a-5f3c2e1a0b9c',
    object: 'file',
    bytes: 12,
    created_at: 1_750_000_000,
    filename: 'train.jsonl',
    purpose: 'fine-tune',
    sample_type: 'instruct',
    source: 'upload',
    num_lines: 1,
    mimetype: 'application/jsonl',
    signature: null,
    ...overrides,
  };
}

/** Reads (and drops) the request body, then answers: a server that answers before reading would reset the upload. */
export function afterBody(answer: Behaviour): Behaviour {
  return (req, res, server) => {
    req.resume();
    req.on('end', () => answer(req, res, server));
  };
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

/**
 * `{"object":"list","data":[],"pad":"xxxx…"}` of `totalBytes`, streamed in 1 MB writes with back-pressure and no
 * Content-Length, so only counting what arrives can stop it.
 */
export function hugeJson(totalBytes: number): Behaviour {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const head = '{"object":"list","data":[],"pad":"';
    const tail = '"}';
    const block = Buffer.alloc(1024 * 1024, 'x');
    let left = totalBytes - head.length - tail.length;
    res.write(head);
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= block.length ? block : block.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end(tail);
    };
    res.on('error', () => undefined);
    pump();
  };
}

/** Headers at once, then one byte of a valid answer every `everyMs`: never idle long enough for an idle timeout. */
export function trickle(text: string, everyMs: number): Behaviour {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let index = 0;
    const timer = setInterval(() => {
      if (res.destroyed || index >= text.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(text[index++]);
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Accepts the request and never answers. */
export const silence: Behaviour = (req) => {
  req.resume();
};

/** Does nothing visible, then destroys the socket: the answer is lost after the work was done. */
export function resetAfter(work: () => void): Behaviour {
  return (req) => {
    req.resume();
    req.on('end', () => {
      work();
      req.socket.destroy();
    });
  };
}
