/** Request bodies small enough to hold in memory, each telling the transport whether it reached the socket. */
import { randomBytes } from 'node:crypto';
import type { BodySource } from './transport';

/** A JSON body that tells the transport whether it reached the socket, so retryMode 'upload' can judge a retry. */
export function jsonBody(value: unknown): BodySource {
  return bufferBody(Buffer.from(JSON.stringify(value), 'utf8'), 'application/json');
}

/**
 * A multipart/form-data body of text fields only (a field given several values is repeated, as FastAPI reads a list
 * form field), for routes such as /v1/audio/transcriptions that take a form but no file here.
 */
export function formBody(fields: ReadonlyArray<readonly [string, string]>): BodySource {
  const boundary = `----MistralFilesBoundary${randomBytes(12).toString('hex')}`;
  const escape = (value: string): string => value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"\r\n\r\n${value}\r\n`);
  return bufferBody(Buffer.from(`${parts.join('')}--${boundary}--\r\n`, 'utf8'), `multipart/form-data; boundary=${boundary}`);
}

function bufferBody(bytes: Buffer, contentType: string): BodySource {
  return {
    headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
    open() {
      let started = false;
      async function* generate(): AsyncGenerator<Uint8Array> {
        started = true;
        yield bytes;
      }
      return { body: generate(), started: () => started, dispose: () => undefined };
    },
  };
}
