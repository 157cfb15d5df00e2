/**
 * Batch jobs on disk: `<data>/batch/jobs.json` (rewritten through a temp file and a rename, like the
 * FileStore's metadata) and the inline requests of each job in `<data>/batch/<id>.requests.jsonl`.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { StoredJob } from './types';

interface JobsFile {
  version: 1;
  nextSeq: number;
  jobs: StoredJob[];
}

export class JobStore {
  private readonly jobs = new Map<string, StoredJob>();
  private nextSeq = 1;
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(readonly dir: string) {}

  static async open(dataDir: string): Promise<JobStore> {
    const store = new JobStore(path.join(path.resolve(dataDir), 'batch'));
    await fs.mkdir(store.dir, { recursive: true });
    let saved: JobsFile | undefined;
    try {
      saved = JSON.parse(await fs.readFile(store.jobsPath, 'utf8')) as JobsFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read batch jobs ${store.jobsPath}: ${(err as Error).message}`);
    }
    store.nextSeq = saved?.nextSeq ?? 1;
    for (const job of saved?.jobs ?? []) store.jobs.set(job.id, job);
    // Temp files of a write cut short by a crash.
    const leftovers = (await fs.readdir(store.dir)).filter((name) => name.endsWith('.tmp'));
    await Promise.all(leftovers.map((name) => fs.rm(path.join(store.dir, name), { force: true })));
    return store;
  }

  private get jobsPath(): string { return path.join(this.dir, 'jobs.json'); }
  requestsPath(id: string): string { return path.join(this.dir, `${id}.requests.jsonl`); }

  get isEmpty(): boolean { return this.jobs.size === 0; }
  get(id: string): StoredJob | undefined { return this.jobs.get(id); }
  all(): StoredJob[] { return [...this.jobs.values()]; }
  takeSeq(): number { return this.nextSeq++; }

  async add(job: StoredJob, inlineLines?: string): Promise<void> {
    if (inlineLines !== undefined) await writeAtomically(this.requestsPath(job.id), inlineLines);
    this.jobs.set(job.id, job);
    await this.save();
  }

  async remove(id: string): Promise<void> {
    this.jobs.delete(id);
    await this.save();
    await fs.rm(this.requestsPath(id), { force: true });
  }

  /**
   * Persists the current state. Running jobs change many times a second, so writes coalesce: callers that
   * arrive while a write is in flight share the one write queued after it, which snapshots when it starts.
   */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = (async () => {
      await this.writing?.catch(() => undefined);
      this.queued = undefined;
      const snapshot: JobsFile = { version: 1, nextSeq: this.nextSeq, jobs: this.all() };
      const write = writeAtomically(this.jobsPath, JSON.stringify(snapshot));
      this.writing = write;
      try {
        await write;
      } finally {
        if (this.writing === write) this.writing = undefined;
      }
    })();
    this.queued = queued;
    return queued;
  }

  async flush(): Promise<void> {
    while (this.queued || this.writing) await (this.queued ?? this.writing)?.catch(() => undefined);
  }
}

async function writeAtomically(target: string, content: string): Promise<void> {
  const temp = `${target}.${randomUUID()}.tmp`;
  await fs.writeFile(temp, content);
  await fs.rename(temp, target);
}
