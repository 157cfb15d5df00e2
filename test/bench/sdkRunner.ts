/**
 * One transfer with the official SDK (@mistralai/mistralai), run as its own process so its peak RSS is its own.
 * Usage: node sdkRunner.js upload-stream|upload-blob FILE REMOTE_NAME | download FILE_ID OUT_PATH
 * Reads MISTRAL_API_KEY and MISTRAL_BASE_URL. Prints the file id (upload) or the byte count (download).
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

async function main(): Promise<void> {
  const [operation, first, second] = process.argv.slice(2);
  // The SDK is ESM-only; this file compiles to CommonJS, where import() stays a real dynamic import.
  const { Mistral } = await import('@mistralai/mistralai');
  const mistral = new Mistral({ apiKey: process.env.MISTRAL_API_KEY ?? '', serverURL: process.env.MISTRAL_BASE_URL });
  if (operation === 'upload-stream' || operation === 'upload-blob') {
    // "upload-stream" gives it a file stream, as the SDK's Files docs do (`content: open(path, "rb")`);
    // "upload-blob" uses fs.openAsBlob, which its README recommends for large files.
    const content = operation === 'upload-stream'
      ? (Readable.toWeb(fs.createReadStream(first)) as unknown as ReadableStream<Uint8Array>)
      : await fs.openAsBlob(first);
    const result = await mistral.files.upload({ file: { fileName: second, content }, purpose: 'fine-tune' });
    process.stdout.write(`${result.id}\n`);
  } else if (operation === 'download') {
    const stream = await mistral.files.download({ fileId: first });
    const counter = { bytes: 0 };
    const body = Readable.fromWeb(stream as unknown as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => (counter.bytes += chunk.length));
    await pipeline(body, fs.createWriteStream(second));
    process.stdout.write(`${counter.bytes}\n`);
  } else {
    throw new Error(`unknown operation ${operation}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
