/**
 * CLI: `node out/test/emulator/main.js --port 8787 --data DIR --api-key KEY [--seed demo] [--seed-files N] [--max-upload-bytes N] [--batch-rate N]`.
 * Prints one line with the URL when ready; SIGINT/SIGTERM close it cleanly.
 */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type EmulatorOptions } from './server';

const USAGE = 'Usage: npm run emulator -- [--port 8787] [--host 127.0.0.1] [--data DIR] [--api-key KEY] [--seed demo] [--seed-files N] [--max-upload-bytes N] [--batch-rate N]\n'
  + 'The API key falls back to MISTRAL_API_KEY; --data defaults to a fresh temporary directory.';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): EmulatorOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!['--port', '--host', '--data', '--api-key', '--seed', '--seed-files', '--max-upload-bytes', '--batch-rate'].includes(name)) fail(`Unknown option ${arg}.`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) fail(`${name} needs a value.`);
    values.set(name, value);
  }
  const port = Number(values.get('--port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${values.get('--port')}.`);
  const apiKey = values.get('--api-key') ?? process.env.MISTRAL_API_KEY ?? '';
  if (!apiKey) fail('Give the key clients must send with --api-key KEY or the MISTRAL_API_KEY environment variable.');
  const seed = values.get('--seed');
  if (seed !== undefined && seed !== 'demo') fail(`--seed only knows "demo", got "${seed}".`);
  const seedFilesRaw = values.get('--seed-files');
  const seedFiles = seedFilesRaw === undefined ? undefined : Number(seedFilesRaw);
  if (seedFiles !== undefined && !(Number.isInteger(seedFiles) && seedFiles >= 0)) fail('--seed-files must be a whole number of files.');
  const maxUpload = values.get('--max-upload-bytes');
  const maxUploadBytes = maxUpload === undefined ? undefined : Number(maxUpload);
  if (maxUploadBytes !== undefined && !(Number.isInteger(maxUploadBytes) && maxUploadBytes > 0)) fail('--max-upload-bytes must be a positive integer.');
  const batchRateRaw = values.get('--batch-rate');
  const batchRate = batchRateRaw === undefined ? undefined : Number(batchRateRaw);
  if (batchRate !== undefined && !(Number.isFinite(batchRate) && batchRate >= 0)) fail('--batch-rate must be a number ≥ 0 (requests per second per job).');
  return {
    port,
    host: values.get('--host'),
    dataDir: values.get('--data') ?? mkdtempSync(path.join(os.tmpdir(), 'mistral-files-emulator-')),
    apiKey,
    seed: seed === 'demo' ? 'demo' : undefined,
    seedFiles,
    maxUploadBytes,
    batchRate,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(options);
  process.stdout.write(`Mistral Files emulator listening on ${emulator.url} (data: ${emulator.dataDir})\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(() => process.exit(0), (err: unknown) => {
      process.stderr.write(`Emulator did not close cleanly: ${String(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`Emulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
