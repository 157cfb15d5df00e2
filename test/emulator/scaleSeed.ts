/**
 * `--seed-files N` / `seedFiles: N`: N small synthetic files spread over the four purposes (40 % fine-tune, 30 %
 * batch, 20 % OCR, 10 % audio) and over the past 90 days, for the Files view's scale tests and `npm run bench`.
 * Names are `scale-<purpose>-<index>.<ext>` with a zero-padded index, so a search for one name finds exactly one file.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mimetypeForFilename } from './fileTypes';
import type { FileStore } from './store';

const SHARES: Array<{ purpose: string; share: number; ext: string; sampleType: string }> = [
  { purpose: 'fine-tune', share: 0.4, ext: 'jsonl', sampleType: 'instruct' },
  { purpose: 'batch', share: 0.3, ext: 'jsonl', sampleType: 'batch_request' },
  { purpose: 'ocr', share: 0.2, ext: 'pdf', sampleType: 'instruct' },
  { purpose: 'audio', share: 0.1, ext: 'wav', sampleType: 'instruct' },
];

export function scaleFileName(purpose: string, index: number): string {
  const ext = SHARES.find((s) => s.purpose === purpose)?.ext ?? 'bin';
  return `scale-${purpose}-${String(index).padStart(6, '0')}.${ext}`;
}

/** How many of `total` files each purpose gets; the remainder goes to the first purposes. */
export function scaleCounts(total: number): Map<string, number> {
  const counts = new Map(SHARES.map((s) => [s.purpose, Math.floor(total * s.share)]));
  let left = total - [...counts.values()].reduce((a, b) => a + b, 0);
  for (const s of SHARES) {
    if (left-- <= 0) break;
    counts.set(s.purpose, (counts.get(s.purpose) ?? 0) + 1);
  }
  return counts;
}

function content(purpose: string, index: number): Buffer {
  if (purpose === 'fine-tune') return Buffer.from(`${JSON.stringify({ messages: [{ role: 'user', content: `q${index}` }, { role: 'assistant', content: `a${index}` }] })}\n`);
  if (purpose === 'batch') return Buffer.from(`${JSON.stringify({ custom_id: String(index), body: { messages: [{ role: 'user', content: `q${index}` }] } })}\n`);
  if (purpose === 'ocr') return Buffer.from(`%PDF-1.4\n% scale ${index}\n%%EOF\n`, 'latin1');
  return Buffer.from(`RIFF scale ${index}`);
}

export async function seedScale(store: FileStore, total: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const span = 90 * 86400;
  let n = 0;
  for (const [purpose, count] of scaleCounts(total)) {
    const share = SHARES.find((s) => s.purpose === purpose)!;
    for (let index = 0; index < count; index++, n++) {
      const filename = scaleFileName(purpose, index);
      const bytes = content(purpose, index);
      const tempPath = store.newTempPath();
      await fs.writeFile(tempPath, bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await store.add(
        {
          bytes: bytes.length,
          // Spread evenly and deterministically, newest first by index within each purpose.
          created_at: now - Math.floor(((n + 1) * span) / (total + 1)),
          filename,
          purpose,
          sample_type: share.sampleType,
          source: 'upload',
          num_lines: share.ext === 'jsonl' ? 1 : null,
          mimetype: mimetypeForFilename(filename),
          signature: sha256.slice(0, 16),
          expires_at: null,
          visibility: 'workspace',
          sha256,
        },
        tempPath,
        undefined,
        { deferPersist: true },
      );
    }
  }
  await store.persistNow();
}
