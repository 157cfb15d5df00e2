/**
 * A multipart/form-data body built by hand so its length is known before the first byte: the text fields and the
 * file part's header (preamble), the file streamed from disk, then the closing boundary (epilogue).
 * Content-Length = preamble + file size + epilogue, exactly.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { MistralApiError, errorMessage } from '../core/errors';
import type { BodySource } from '../core/transport';

export interface MultipartPlan {
  boundary: string;
  preamble: Buffer;
  epilogue: Buffer;
  contentLength: number;
}

/**
 * The part's filename parameter, per RFC 7578 §4.2 and the WHATWG HTML form-data encoding that browsers and
 * Python's multipart parsers follow: the name is sent as raw UTF-8 (no RFC 5987 `filename*`, which 7578 forbids),
 * with `"`, CR and LF percent-escaped (%22, %0D, %0A) so they cannot end the parameter or the header line.
 */
export function encodeFilenameParameter(name: string): Buffer {
  return Buffer.from(escapeQuoted(name), 'utf8');
}

function escapeQuoted(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function planMultipart(fields: Array<[string, string]>, fileFieldName: string, filename: string, fileSize: number): MultipartPlan {
  const boundary = `----MistralFilesBoundary${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n`, 'utf8'),
      Buffer.from(value, 'utf8'),
      Buffer.from('\r\n', 'utf8'),
    );
  }
  // Text fields go first so a streaming server knows the purpose before the file's bytes arrive.
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(fileFieldName)}"; filename="`, 'utf8'),
    encodeFilenameParameter(filename),
    Buffer.from('"\r\nContent-Type: application/octet-stream\r\n\r\n', 'utf8'),
  );
  const preamble = Buffer.concat(parts);
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return { boundary, preamble, epilogue, contentLength: preamble.length + fileSize + epilogue.length };
}

/** 1 MiB reads: few syscalls and callbacks at 500 MB, and still a bounded amount in flight. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface FileBodyOptions {
  path: string;
  size: number;
  plan: MultipartPlan;
  /** Called with the running count of file bytes written to the connection. */
  onFileBytes?: (sent: number) => void;
}

/** A BodySource that re-opens the file for every attempt; only the bytes of `size` are ever sent. */
export function multipartFileBody(options: FileBodyOptions): BodySource {
  const { plan, size } = options;
  return {
    headers: {
      'content-type': `multipart/form-data; boundary=${plan.boundary}`,
      'content-length': String(plan.contentLength),
    },
    open() {
      let started = false;
      let finished = false;
      // Opened when the first byte is wanted, not before: a stream opened for an attempt that never sends (the
      // connection is refused) would report its errors to nobody.
      let stream: fs.ReadStream | undefined;
      async function* generate(): AsyncGenerator<Uint8Array> {
        started = true;
        yield plan.preamble;
        let sent = 0;
        if (size > 0) {
          stream = fs.createReadStream(options.path, { start: 0, end: size - 1, highWaterMark: READ_CHUNK_BYTES });
          try {
            for await (const chunk of stream as AsyncIterable<Buffer>) {
              yield chunk;
              // Resumed only once undici has written the chunk, so this counts bytes handed to the socket.
              sent += chunk.length;
              options.onFileBytes?.(sent);
            }
          } catch (err) {
            throw new MistralApiError({
              kind: 'invalid-request',
              message: `Cannot read ${options.path} while uploading it: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`,
              cause: err,
            });
          }
        }
        if (sent !== size) {
          throw new MistralApiError({
            kind: 'invalid-request',
            message: `The file changed while it was being uploaded (${sent} of ${size} bytes read); upload it again`,
          });
        }
        yield plan.epilogue;
        finished = true;
      }
      return {
        body: generate(),
        started: () => started,
        finished: () => finished,
        dispose: () => stream?.destroy(),
      };
    },
  };
}
