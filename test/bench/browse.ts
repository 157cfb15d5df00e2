/**
 * The Files view at scale: an emulator seeded with 10,000 files over the four purposes (`--seed-files`, a child
 * process so its own memory stays out of the figures), browsed through the client and the view's model as the
 * extension does — first rows of every group, Load more pages, Go to File answers (name search and id), and the
 * model's memory while every row loads. BENCH_BROWSE_FILES changes the count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MistralClient } from '../../src/api/client';
import { FilesModel } from '../../src/extension/files/tree/filesModel';
import { scaleFileName } from '../emulator/scaleSeed';
import { median } from './measure';
import type { BenchRow } from './types';

const KEY = 'bench-key-not-a-secret';
const PAGE_SIZE = 100;

function startEmulatorProcess(files: number, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const main = path.resolve(__dirname, '..', 'emulator', 'main.js');
  const child = spawn(process.execPath, [main, '--port', '0', '--data', dataDir, '--api-key', KEY, '--seed-files', String(files)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1], child });
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${String(code)}) before listening`)));
  });
}

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(1)} ms`;
}

async function time<T>(work: () => Promise<T>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function runBrowseBench(): Promise<BenchRow[]> {
  const files = Number(process.env.BENCH_BROWSE_FILES ?? 10_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-bench-browse-'));
  const { url, child } = await startEmulatorProcess(files, dataDir);
  const client = new MistralClient({ apiKey: KEY, baseUrl: url });
  const rows: BenchRow[] = [];
  const row = (operation: string, seconds: number, note: string, peakRssMb = Number.NaN): void => {
    rows.push({ section: 'browse', contender: 'ours', operation, megabytes: 0, seconds, peakRssMb, note });
  };
  try {
    const model = new FilesModel(client.files, { pageSize: () => PAGE_SIZE, filter: () => ({}), onDidChange: () => undefined });
    const first = await time(() => model.ensureLoaded());
    const counts = model.groups().map((g) => `${g.purpose} ${g.total ?? '?'}`).join(', ');
    row(`first rows of every group (${files.toLocaleString('en-US')} files)`, first, `${ms(first)}; 5 list calls in parallel, page ${PAGE_SIZE}: ${counts}`);

    const pages: number[] = [];
    for (let i = 0; i < 20; i++) pages.push(await time(() => model.loadMore('fine-tune')));
    row('Load more (one page of 100)', median(pages), `median ${ms(median(pages))} of 20 pages; slowest ${ms(Math.max(...pages))}`);

    const searches: number[] = [];
    const lookups: number[] = [];
    for (let i = 0; i < 20; i++) {
      const name = scaleFileName('batch', i * 97);
      searches.push(await time(() => client.files.list({ page: 0, pageSize: 50, search: name, includeTotal: true })));
      const found = (await client.files.list({ page: 0, pageSize: 1, search: name })).data[0];
      if (found) lookups.push(await time(() => client.files.retrieve(found.id)));
    }
    row('Go to File: name search', median(searches), `median ${ms(median(searches))} of 20 typed names; slowest ${ms(Math.max(...searches))}`);
    row('Go to File: pasted id', median(lookups), `median ${ms(median(lookups))} of ${lookups.length} retrieves; slowest ${ms(Math.max(...lookups))}`);

    // Memory as pages load: the model's heap after each 2,000 rows (the extension host holds the same objects).
    collectGarbage();
    const base = process.memoryUsage().heapUsed;
    const steps: string[] = [];
    const loadAll = await time(async () => {
      for (const group of model.groups()) {
        await model.loadAll(group.purpose, Number.POSITIVE_INFINITY, () => undefined);
        collectGarbage();
        const loaded = model.groups().reduce((sum, g) => sum + g.files.length, 0);
        steps.push(`${loaded}: +${((process.memoryUsage().heapUsed - base) / 1e6).toFixed(1)} MB`);
      }
    });
    const loaded = model.groups().reduce((sum, g) => sum + g.files.length, 0);
    row(`load every row (${loaded.toLocaleString('en-US')})`, loadAll, `heap after each group: ${steps.join(', ')}`, process.memoryUsage().rss / 1e6);
  } finally {
    await client.dispose();
    child.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
