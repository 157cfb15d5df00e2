/**
 * Our client as the extension runs it: inside a long-lived process whose modules are loaded and whose connection is
 * open. Only the transfers are timed, so the figures are transfer throughput with no process start-up, comparable
 * to curl's own `time_total`.
 *
 * The same transfer runs four times in the one process: after a 32 MB warm-up round trip, the first is what a
 * user's first big transfer in a VS Code session gets; the last three (their median) are the steady state once V8
 * has optimised the code on the transfer path, as in an extension host that has already moved files.
 * Usage: node inProcessRunner.js upload FILE REMOTE_NAME | download FILE_ID OUT_PATH  (MISTRAL_API_KEY, MISTRAL_BASE_URL)
 * Prints JSON: {"id" (upload) or "bytes" (download), "first": seconds, "steady": seconds}.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MistralClient } from '../../src/api/client';
import { median } from './measure';

const WARM_UP_BYTES = 32 * 1024 * 1024;
const RUNS = 4;

async function warmUp(client: MistralClient): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-warm-up-'));
  try {
    const source = path.join(dir, 'warm-up.jsonl');
    fs.writeFileSync(source, Buffer.alloc(WARM_UP_BYTES, '{"text":"warm up"}\n'));
    const file = await client.files.upload(source, { purpose: 'fine-tune', filename: `warm-up-${process.pid}.jsonl` });
    await client.files.downloadToFile(file.id, path.join(dir, 'copy.jsonl'));
    await client.files.delete(file.id);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const started = process.hrtime.bigint();
  const result = await action();
  return [result, Number(process.hrtime.bigint() - started) / 1e9];
}

function summary(seconds: number[]): { first: number; steady: number } {
  return { first: seconds[0], steady: median(seconds.slice(1)) };
}

async function main(): Promise<void> {
  const [operation, first, second] = process.argv.slice(2);
  const client = new MistralClient({ apiKey: process.env.MISTRAL_API_KEY ?? '', baseUrl: process.env.MISTRAL_BASE_URL });
  try {
    await warmUp(client);
    const seconds: number[] = [];
    if (operation === 'upload') {
      let id = '';
      for (let run = 0; run < RUNS; run++) {
        // Distinct names: the service returns the existing file for the same content under the same name.
        const [file, elapsed] = await timed(() => client.files.upload(first, { purpose: 'fine-tune', filename: run === 0 ? second : `${run}-${second}` }));
        seconds.push(elapsed);
        if (run === 0) id = file.id;
        else await client.files.delete(file.id); // keeps the emulator's disk use flat; not timed
      }
      process.stdout.write(`${JSON.stringify({ id, ...summary(seconds) })}\n`);
    } else if (operation === 'download') {
      let bytes = 0;
      for (let run = 0; run < RUNS; run++) {
        const [result, elapsed] = await timed(() => client.files.downloadToFile(first, second));
        seconds.push(elapsed);
        bytes = result.bytes;
        if (run < RUNS - 1) fs.rmSync(second);
      }
      process.stdout.write(`${JSON.stringify({ bytes, ...summary(seconds) })}\n`);
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
