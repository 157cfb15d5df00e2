import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `chunks` to a temp file beside `destination` and renames it over the destination only once all of it is on
 * disk, so a failure or cancellation never leaves a partial file in place of a good one.
 */
export async function writeFileAtomically(destination: string, chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): Promise<number> {
  const temp = path.join(path.dirname(destination), `.${path.basename(destination)}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', 0o644);
  let renamed = false;
  try {
    let bytes = 0;
    for await (const chunk of chunks) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      let written = 0;
      while (written < buffer.length) written += (await handle.write(buffer, written, buffer.length - written)).bytesWritten;
      bytes += buffer.length;
    }
    await handle.sync();
    await handle.close();
    await fs.promises.rename(temp, destination);
    renamed = true;
    return bytes;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    }
  }
}

/** `dir/base.ext`, or `dir/base-2.ext`, `-3`… when taken: a new file never replaces one the user has. */
export function unusedPath(dir: string, base: string, ext: string): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}${ext}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}
