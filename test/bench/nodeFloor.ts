/**
 * The Node floor for `npm run bench`: the fastest a Node process moves these bytes on this machine, with nothing a
 * real client needs. A raw TCP socket, HTTP/1.1 framed by hand (no parser, no chunked encoding, no TLS, no proxy),
 * no retries, no temp file, no sync. It is not a client anyone should use; it shows how much of the gap to curl is
 * Node itself (process start-up, socket I/O) rather than our client.
 * Usage: node nodeFloor.js upload FILE REMOTE_NAME | download FILE_ID OUT_PATH  (MISTRAL_API_KEY, MISTRAL_BASE_URL)
 * Prints the file id (upload) or the byte count (download).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { planMultipart } from '../../src/api/files/multipart';

const READ_BYTES = 1024 * 1024;

function connect(onData?: (chunk: Buffer) => void): { socket: net.Socket; base: URL } {
  const base = new URL(process.env.MISTRAL_BASE_URL ?? '');
  if (base.protocol !== 'http:') throw new Error('the floor speaks plain HTTP to the local emulator only');
  // onread: one reusable 1 MB buffer instead of a fresh 64 KB one per read, the cheapest receive Node offers.
  const socket = net.connect({
    host: base.hostname,
    port: Number(base.port),
    ...(onData ? { onread: { buffer: Buffer.allocUnsafe(READ_BYTES), callback: (length: number, buffer: Uint8Array): boolean => {
      onData(Buffer.from(buffer.buffer, buffer.byteOffset, length));
      return true;
    } } } : {}),
  });
  return { socket, base };
}

function requestHead(method: string, path: string, host: string, extra: string): string {
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${process.env.MISTRAL_API_KEY ?? ''}\r\n${extra}Connection: close\r\n\r\n`;
}

async function upload(file: string, remoteName: string): Promise<void> {
  const size = fs.statSync(file).size;
  const plan = planMultipart([['purpose', 'fine-tune']], 'file', remoteName, size);
  const { socket, base } = connect();
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  const ended = new Promise<void>((resolve, reject) => socket.on('end', resolve).on('error', reject));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(requestHead('POST', `${base.pathname.replace(/\/$/, '')}/v1/files`, base.host,
    `Content-Type: multipart/form-data; boundary=${plan.boundary}\r\nContent-Length: ${plan.contentLength}\r\n`));
  socket.write(plan.preamble);
  const fd = fs.openSync(file, 'r');
  for (let offset = 0; offset < size;) {
    const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, size - offset));
    offset += fs.readSync(fd, buffer, 0, buffer.length, offset);
    if (!socket.write(buffer)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  fs.closeSync(fd);
  socket.write(plan.epilogue);
  await ended;
  const [head, body] = [response.slice(0, response.indexOf('\r\n\r\n')), response.slice(response.indexOf('\r\n\r\n') + 4)];
  if (!/^HTTP\/1\.1 200 /.test(head)) throw new Error(`upload answered ${head.split('\r\n')[0]}`);
  process.stdout.write(`${(JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) as { id: string }).id}\n`);
}

async function download(fileId: string, outPath: string): Promise<void> {
  const fd = fs.openSync(outPath, 'w');
  let head: string | undefined;
  let headBytes = Buffer.alloc(0);
  let bodyBytes = 0;
  const { socket, base } = connect((chunk) => {
    let body = chunk;
    if (head === undefined) {
      // Copied: the read buffer is reused, and the blank line may come split over two reads.
      headBytes = Buffer.concat([headBytes, chunk]);
      const end = headBytes.indexOf('\r\n\r\n');
      if (end < 0) return;
      head = headBytes.subarray(0, end + 4).toString('latin1');
      if (!/^HTTP\/1\.1 200 /.test(head)) {
        socket.destroy(new Error(`download answered ${head.split('\r\n')[0]}`));
        return;
      }
      body = headBytes.subarray(end + 4);
    }
    bodyBytes += body.length;
    fs.writeSync(fd, body);
  });
  const ended = new Promise<void>((resolve, reject) => socket.on('end', resolve).on('error', reject));
  socket.write(requestHead('GET', `${base.pathname.replace(/\/$/, '')}/v1/files/${encodeURIComponent(fileId)}/content`, base.host, ''));
  await ended;
  fs.closeSync(fd);
  const expected = Number(/\r\ncontent-length: (\d+)/i.exec(head ?? '')?.[1]);
  if (bodyBytes !== expected) throw new Error(`received ${bodyBytes} of ${expected} bytes`);
  process.stdout.write(`${bodyBytes}\n`);
}

const [operation, first, second] = process.argv.slice(2);
(operation === 'upload' ? upload(first, second) : operation === 'download' ? download(first, second) : Promise.reject(new Error(`unknown operation ${operation}`))).catch(
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
