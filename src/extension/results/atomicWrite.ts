import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSafely } from '../../util/safeOutput';

/**
 * Writes `chunks` to `destination` whole or not at all (see src/util/safeOutput.ts). A file there now may be
 * replaced: the save dialog asked about it. A name that was free (a new name in the dialog, `unusedPath`) must not
 * replace a file that appears there while writing.
 */
export function writeFileAtomically(destination: string, chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>): Promise<number> {
  return writeSafely(destination, chunks, { overwrite: fs.existsSync(destination), during: 'the export', advice: 'save again to replace it, or choose another name' });
}

/** `dir/base.ext`, or `dir/base-2.ext`, `-3`… when taken: a new file never replaces one the user has. */
export function unusedPath(dir: string, base: string, ext: string): string {
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${base}${n === 1 ? '' : `-${n}`}${ext}`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}
