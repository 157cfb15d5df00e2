/**
 * The emulator's file store: metadata in `<dataDir>/metadata.json` (rewritten atomically through a temp
 * file and a rename), contents in `<dataDir>/blobs/<id>`, uploads in progress in `<dataDir>/tmp/`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The wire fields of FileSchema, in the order Mistral sends them. */
export interface FileRecord {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  sample_type: string;
  source: string;
  num_lines: number | null;
  mimetype: string | null;
  signature: string | null;
  expires_at: number | null;
  visibility: string | null;
}

interface StoredFile extends FileRecord {
  /** Content hash, used to answer a repeated upload with the existing file. */
  sha256: string;
  /** Insertion order; breaks created_at ties so "newest first" is stable. */
  seq: number;
}

interface MetadataFile {
  version: 1;
  signingSecret: string;
  nextSeq: number;
  files: StoredFile[];
}

export type NewFile = Omit<FileRecord, 'id' | 'object'> & { sha256: string };

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private nextSeq = 1;
  private signingSecretHex = '';
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(readonly dataDir: string) {}

  static async open(dataDir: string): Promise<FileStore> {
    const store = new FileStore(path.resolve(dataDir));
    await fs.mkdir(store.blobDir, { recursive: true });
    // Anything left in tmp/ is an upload that never finished (crash or kill): it must not resurface.
    await fs.rm(store.tmpDir, { recursive: true, force: true });
    await fs.mkdir(store.tmpDir, { recursive: true });
    await store.load();
    return store;
  }

  get blobDir(): string { return path.join(this.dataDir, 'blobs'); }
  get tmpDir(): string { return path.join(this.dataDir, 'tmp'); }
  private get metadataPath(): string { return path.join(this.dataDir, 'metadata.json'); }
  get signingSecret(): Buffer { return Buffer.from(this.signingSecretHex, 'hex'); }

  blobPath(id: string): string { return path.join(this.blobDir, id); }
  newTempPath(): string { return path.join(this.tmpDir, `upload-${randomUUID()}`); }
  get isEmpty(): boolean { return this.files.size === 0; }

  private async load(): Promise<void> {
    let metadata: MetadataFile | undefined;
    try {
      metadata = JSON.parse(await fs.readFile(this.metadataPath, 'utf8')) as MetadataFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Cannot read emulator metadata ${this.metadataPath}: ${(err as Error).message}`);
      }
    }
    this.signingSecretHex = metadata?.signingSecret ?? randomBytes(32).toString('hex');
    this.nextSeq = metadata?.nextSeq ?? 1;
    const blobNames = new Set(await fs.readdir(this.blobDir));
    for (const file of metadata?.files ?? []) {
      // A record whose blob vanished cannot be served; drop it rather than answer 500 later.
      if (blobNames.delete(file.id)) this.files.set(file.id, file);
    }
    // Blobs without a record come from a crash between the blob rename and the metadata write.
    await Promise.all([...blobNames].map((name) => fs.rm(path.join(this.blobDir, name), { force: true })));
    if (!metadata || this.files.size !== metadata.files.length || blobNames.size > 0) await this.persist();
  }

  /** Serialised so concurrent requests never interleave two writers on the same temp file. */
  private persist(): Promise<void> {
    const snapshot: MetadataFile = {
      version: 1,
      signingSecret: this.signingSecretHex,
      nextSeq: this.nextSeq,
      files: [...this.files.values()],
    };
    const write = async (): Promise<void> => {
      const temp = `${this.metadataPath}.${randomUUID()}.tmp`;
      await fs.writeFile(temp, JSON.stringify(snapshot, null, 1));
      await fs.rename(temp, this.metadataPath);
    };
    this.writeChain = this.writeChain.then(write, write);
    return this.writeChain;
  }

  /** Live (not expired) files, newest first; ties keep the later upload first. */
  list(nowSeconds = Math.floor(Date.now() / 1000)): FileRecord[] {
    this.purgeExpired(nowSeconds);
    return [...this.files.values()]
      .sort((a, b) => b.created_at - a.created_at || b.seq - a.seq)
      .map(toRecord);
  }

  get(id: string, nowSeconds = Math.floor(Date.now() / 1000)): FileRecord | undefined {
    const file = this.files.get(id);
    return file && !isExpired(file, nowSeconds) ? toRecord(file) : undefined;
  }

  findDuplicate(sha256: string, filename: string, purpose: string): FileRecord | undefined {
    const now = Math.floor(Date.now() / 1000);
    for (const file of this.files.values()) {
      if (file.sha256 === sha256 && file.filename === filename && file.purpose === purpose && !isExpired(file, now)) {
        return toRecord(file);
      }
    }
    return undefined;
  }

  /**
   * Moves the finished upload into blobs/ and records it. `deferPersist` leaves the metadata write to a later
   * `persistNow()`, so seeding thousands of files does not rewrite metadata.json once per file.
   */
  async add(newFile: NewFile, contentPath: string, id: string = randomUUID(), options: { deferPersist?: boolean } = {}): Promise<FileRecord> {
    const stored: StoredFile = {
      id,
      object: 'file',
      bytes: newFile.bytes,
      created_at: newFile.created_at,
      filename: newFile.filename,
      purpose: newFile.purpose,
      sample_type: newFile.sample_type,
      source: newFile.source,
      num_lines: newFile.num_lines,
      mimetype: newFile.mimetype,
      signature: newFile.signature,
      expires_at: newFile.expires_at,
      visibility: newFile.visibility,
      sha256: newFile.sha256,
      seq: this.nextSeq++,
    };
    await fs.rename(contentPath, this.blobPath(id));
    this.files.set(id, stored);
    if (!options.deferPersist) await this.persist();
    return toRecord(stored);
  }

  persistNow(): Promise<void> {
    return this.persist();
  }

  async delete(id: string): Promise<boolean> {
    if (!this.get(id)) return false;
    this.files.delete(id);
    await this.persist();
    // Unlinking an open blob is safe on POSIX: a download in flight keeps its descriptor.
    await fs.rm(this.blobPath(id), { force: true });
    return true;
  }

  /** Files past their `expires_at` are gone for good, as on the service. */
  private purgeExpired(nowSeconds: number): void {
    const expired = [...this.files.values()].filter((file) => isExpired(file, nowSeconds));
    if (expired.length === 0) return;
    for (const file of expired) this.files.delete(file.id);
    void this.persist()
      .then(() => Promise.all(expired.map((file) => fs.rm(this.blobPath(file.id), { force: true }))))
      .catch((err: unknown) => process.stderr.write(`[emulator] could not purge expired files: ${String(err)}\n`));
  }

  /** Waits for pending metadata writes (used on close). */
  async flush(): Promise<void> {
    await this.writeChain.catch(() => undefined);
  }
}

function isExpired(file: FileRecord, nowSeconds: number): boolean {
  return file.expires_at !== null && file.expires_at <= nowSeconds;
}

function toRecord(file: StoredFile): FileRecord {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: file.created_at,
    filename: file.filename,
    purpose: file.purpose,
    sample_type: file.sample_type,
    source: file.source,
    num_lines: file.num_lines,
    mimetype: file.mimetype,
    signature: file.signature,
    expires_at: file.expires_at,
    visibility: file.visibility,
  };
}
