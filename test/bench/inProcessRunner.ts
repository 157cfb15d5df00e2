/**
 * Our client as the extension runs it: inside a long-lived process whose modules are loaded, whose connection is
 * open and whose code V8 has already optimised. A 32 MB round trip (upload, download, delete) warms that up; only
 * the transfer itself is timed, so the figure is transfer throughput with no process start-up, comparable to curl's
 * own `time_total`.
 * Usage: node inProcessRunner.js upload FILE REMOTE_NAME | download FILE_ID OUT_PATH  (MISTRAL_API_KEY, MISTRAL_BASE_URL)
 * Prints JSON: {"id", "seconds"} (upload) or {"bytes", "seconds"} (download).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MistralFilesClient } from '../../src/api/client';

const WARM_UP_BYTES = 32 * 1024 * 1024;

async function warmUp(client: MistralFilesClient): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-warm-up-'));
  try {
    const source = path.join(dir, 'warm-up.jsonl');
    fs.writeFileSync(source, Buffer.alloc(WARM_UP_BYTES, '{"text":"warm up"}\n'));
    const file = await client.upload(source, { purpose: 'fine-tune', filename: `warm-up-${process.pid}.jsonl` });
    await client.downloadToFile(file.id, path.join(dir, 'copy.jsonl'));
    await client.delete(file.id);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [operation, first, second] = process.argv.slice(2);
  const client = new MistralFilesClient({ apiKey: process.env.MISTRAL_API_KEY ?? '', baseUrl: process.env.MISTRAL_BASE_URL });
  try {
    await warmUp(client);
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    if (operation === 'upload') {
      const file = await client.upload(first, { purpose: 'fine-tune', filename: second });
      process.stdout.write(`${JSON.stringify({ id: file.id, seconds: seconds() })}\n`);
    } else if (operation === 'download') {
      const { bytes } = await client.downloadToFile(first, second);
      process.stdout.write(`${JSON.stringify({ bytes, seconds: seconds() })}\n`);
    } else {
      throw new Error(`unknown operation ${operation}`);
    }
  } finally {
    await client.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
