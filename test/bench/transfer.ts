/**
 * Transfer section of `npm run bench`: a generated 256 MB JSONL file uploaded to and downloaded from the emulator by
 * our CLI, the official SDK and curl, each in its own process, interleaved, in one run. Wall time includes process
 * start-up for everyone; peak RSS is each child's own.
 *
 * Two kinds of reference rows sit beside them. "transfer only" rows time the transfer alone, with no process
 * start-up: our client as the extension host runs it (warm, in-process) against curl's own `time_total` from the
 * same curl runs. The "Node floor" rows are the fastest a bare Node process moves the bytes here (raw socket, no
 * HTTP parser, no safety), which bounds what any Node client can reach.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MistralClient } from '../../src/api/client';
import { startEmulator } from '../emulator/server';
import { measure, median, type Measurement } from './measure';
import { generateInstructFile } from './validation';
import type { BenchRow } from './types';

const SECTION = 'transfer 256 MB';
const MEGABYTES = 256;
const BENCH_KEY = 'bench-key-not-a-secret';
const ROOT = path.resolve(__dirname, '../../..');

interface Contender {
  name: string;
  upload(file: string, remoteName: string): [string, string[]];
  download(id: string, out: string): [string, string[]];
  /** The uploaded file's id from the upload's stdout. */
  idFrom(stdout: string): string;
  /** The contender's own timings of the transfer alone, when it reports them, by label ('' for a single one). */
  transferSecondsFrom?(stdout: string): Record<string, number>;
  /** Only the transfer-only figure means anything (its wall time includes unbundled module loading). */
  transferOnly?: boolean;
  notes?: { upload?: string; download?: string };
}

/** curl's `-w` line comes last on stdout, after any response body. */
const CURL_TIME = '\n%{time_total}';
const curlBody = (stdout: string): string => stdout.slice(0, stdout.lastIndexOf('\n'));
const curlSeconds = (stdout: string): number => Number(stdout.slice(stdout.lastIndexOf('\n') + 1));

function contenders(baseUrl: string, headerFile: string): Contender[] {
  const node = process.execPath;
  const cli = path.join(ROOT, 'dist', 'cli.js');
  const sdk = path.join(__dirname, 'sdkRunner.js');
  const inProcess = path.join(__dirname, 'inProcessRunner.js');
  const floor = path.join(__dirname, 'nodeFloor.js');
  return [
    {
      name: 'ours (dist/cli.js)',
      upload: (file, remote) => [node, [cli, 'upload', file, '--name', remote, '--purpose', 'fine-tune', '--json']],
      download: (id, out) => [node, [cli, 'download', id, '--out', out, '--force', '--json']],
      idFrom: (stdout) => (JSON.parse(stdout) as { id: string }).id,
      notes: { download: 'download includes fsync + rename' },
    },
    {
      name: 'official SDK, file stream',
      upload: (file, remote) => [node, [sdk, 'upload-stream', file, remote]],
      download: (id, out) => [node, [sdk, 'download', id, out]],
      idFrom: (stdout) => stdout.trim(),
      notes: { upload: 'SDK reads the whole stream into memory first' },
    },
    {
      name: 'official SDK, openAsBlob',
      upload: (file, remote) => [node, [sdk, 'upload-blob', file, remote]],
      download: (id, out) => [node, [sdk, 'download', id, out]],
      idFrom: (stdout) => stdout.trim(),
    },
    {
      name: 'curl',
      upload: (file, remote) => ['curl', ['-sS', '--fail-with-body', '-H', `@${headerFile}`, '-F', `file=@${file};filename=${remote}`, '-F', 'purpose=fine-tune', '-w', CURL_TIME, `${baseUrl}/v1/files`]],
      download: (id, out) => ['curl', ['-sS', '--fail-with-body', '-H', `@${headerFile}`, '-o', out, '-w', CURL_TIME, `${baseUrl}/v1/files/${id}/content`]],
      idFrom: (stdout) => (JSON.parse(curlBody(stdout)) as { id: string }).id,
      transferSecondsFrom: (stdout) => ({ '': curlSeconds(stdout) }),
    },
    {
      name: 'ours, in-process (extension host)',
      upload: (file, remote) => [node, [inProcess, 'upload', file, remote]],
      download: (id, out) => [node, [inProcess, 'download', id, out]],
      idFrom: (stdout) => (JSON.parse(stdout) as { id: string }).id,
      transferSecondsFrom: (stdout) => {
        const { first, steady } = JSON.parse(stdout) as { first: number; steady: number };
        return { 'first transfer': first, 'steady state': steady };
      },
      transferOnly: true,
      notes: { upload: 'RSS without the CLI\'s GC tuning', download: 'includes fsync + rename; RSS without the CLI\'s GC tuning' },
    },
    {
      name: 'Node floor (raw socket, no HTTP parser)',
      upload: (file, remote) => [node, [floor, 'upload', file, remote]],
      download: (id, out) => [node, [floor, 'download', id, out]],
      idFrom: (stdout) => stdout.trim(),
      notes: { upload: 'not a usable client: the bound for Node here', download: 'not a usable client: the bound for Node here' },
    },
  ];
}

function check(run: Measurement, what: string): Measurement {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}): ${run.stderr.trim().slice(0, 500)}`);
  return run;
}

export async function runTransferBench(): Promise<BenchRow[]> {
  const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 3));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-bench-'));
  const emulator = await startEmulator({ dataDir: path.join(dir, 'data'), apiKey: BENCH_KEY, port: 0 });
  try {
    const source = path.join(dir, 'train.jsonl');
    // The validation section's realistic conversations: varied, so nothing compresses or deduplicates trivially.
    const fileBytes = await generateInstructFile(source, MEGABYTES);
    // On disk before anyone is timed: its writeback must not land on whoever runs first.
    const sourceHandle = await fs.promises.open(source, 'r+');
    await sourceHandle.sync();
    await sourceHandle.close();
    // The key goes through a header file so it never shows in `ps`.
    const headerFile = path.join(dir, 'auth-header.txt');
    fs.writeFileSync(headerFile, `Authorization: Bearer ${BENCH_KEY}\n`, { mode: 0o600 });
    const env = { ...process.env, MISTRAL_API_KEY: BENCH_KEY, MISTRAL_BASE_URL: emulator.url };
    const all = contenders(emulator.url, headerFile);
    const cleaner = new MistralClient({ apiKey: BENCH_KEY, baseUrl: emulator.url });
    const results = new Map<string, { up: Measurement[]; down: Measurement[] }>(all.map((c) => [c.name, { up: [], down: [] }]));
    // contender -> operation -> label -> seconds of each repetition
    const transfer = new Map<string, { up: Map<string, number[]>; down: Map<string, number[]> }>(all.map((c) => [c.name, { up: new Map(), down: new Map() }]));
    const record = (into: Map<string, number[]>, figures: Record<string, number>): void => {
      for (const [label, seconds] of Object.entries(figures)) into.set(label, [...(into.get(label) ?? []), seconds]);
    };
    // Interleaved repetitions: a slow moment on a shared machine hits every contender alike.
    for (let rep = 0; rep < reps; rep++) {
      // Each repetition starts with the next contender, so no one always runs first on a cold machine.
      const entries = [...all.entries()];
      const order = [...entries.slice(rep % entries.length), ...entries.slice(0, rep % entries.length)];
      for (const [index, contender] of order) {
        const remoteName = `bench-${index}-${rep}.jsonl`;
        const [upCommand, upArgs] = contender.upload(source, remoteName);
        const up = check(await measure(upCommand, upArgs, env, dir), `${contender.name} upload`);
        const id = contender.idFrom(up.stdout);
        const out = path.join(dir, `download-${index}.jsonl`);
        const [downCommand, downArgs] = contender.download(id, out);
        const down = check(await measure(downCommand, downArgs, env, dir), `${contender.name} download`);
        if (fs.statSync(out).size !== fileBytes) throw new Error(`${contender.name} downloaded ${fs.statSync(out).size} bytes`);
        fs.rmSync(out);
        results.get(contender.name)!.up.push(up);
        results.get(contender.name)!.down.push(down);
        if (contender.transferSecondsFrom) {
          record(transfer.get(contender.name)!.up, contender.transferSecondsFrom(up.stdout));
          record(transfer.get(contender.name)!.down, contender.transferSecondsFrom(down.stdout));
        }
        // Keep the emulator's disk use flat across repetitions, through the API so its records stay consistent.
        await cleaner.files.delete(id);
      }
    }
    await cleaner.dispose();
    const curl = results.get('curl')!;
    const curlWall = { upload: median(curl.up.map((m) => m.seconds)), download: median(curl.down.map((m) => m.seconds)) };
    const curlTransfer = { upload: median(transfer.get('curl')!.up.get('')!), download: median(transfer.get('curl')!.down.get('')!) };
    const rows: BenchRow[] = [];
    for (const contender of all) {
      const result = results.get(contender.name)!;
      const timed = transfer.get(contender.name)!;
      for (const [operation, runs, transferRuns] of [['upload', result.up, timed.up], ['download', result.down, timed.down]] as const) {
        const extra = contender.notes?.[operation] ? [contender.notes[operation]] : [];
        const peakRssMb = Math.max(...runs.map((m) => m.peakRssMb));
        const row = (section: string, name: string, seconds: number[], curlMedian: number, ...more: string[]): BenchRow => {
          const middle = median(seconds);
          const ratio = `${(curlMedian / middle).toFixed(2)}x curl throughput`;
          return { section, contender: name, operation, megabytes: MEGABYTES, seconds: middle, peakRssMb, note: [ratio, `median of ${seconds.length}`, ...more, ...extra].join('; ') };
        };
        if (!contender.transferOnly) rows.push(row(SECTION, contender.name, runs.map((m) => m.seconds), curlWall[operation]));
        for (const [label, timings] of transferRuns) {
          const name = label ? `${contender.name}, ${label}` : contender.name;
          rows.push(row(`${SECTION}, transfer only`, name, timings, curlTransfer[operation], 'no process start-up'));
        }
      }
    }
    // Wall-time rows first, then the transfer-only ones; the order of contenders is kept within each.
    return [...rows.filter((row) => row.section === SECTION), ...rows.filter((row) => row.section !== SECTION)];
  } finally {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
