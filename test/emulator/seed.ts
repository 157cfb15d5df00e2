/** `--seed demo`: realistic files in every purpose, created over the past weeks. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { inferSampleType, isJsonlFilename, JsonlSniffer, mimetypeForFilename } from './fileTypes';
import { batchRequestJsonl, instructTrainingJsonl, invoicePdf, pretrainJsonl, receiptPng, toneWav } from './seedContent';
import type { FileStore } from './store';

interface DemoFile {
  filename: string;
  purpose: string;
  content: Buffer;
  daysAgo: number;
  source?: string;
  sampleType?: string;
  visibility?: string;
}

export function demoFiles(): DemoFile[] {
  return [
    { filename: 'support-chat-train.jsonl', purpose: 'fine-tune', content: instructTrainingJsonl(6), daysAgo: 24.3 },
    { filename: 'support-chat-validation.jsonl', purpose: 'fine-tune', content: instructTrainingJsonl(1), daysAgo: 24.2 },
    { filename: 'product-docs-corpus.jsonl', purpose: 'fine-tune', content: pretrainJsonl(), daysAgo: 17.8, visibility: 'user' },
    { filename: 'tickets-2026-10.jsonl', purpose: 'batch', content: batchRequestJsonl(12), daysAgo: 9.5 },
    // The batch_result and batch_error files come from the demo batch jobs (batch/seedJobs.ts).
    { filename: 'invoice-INV-2026-0142.pdf', purpose: 'ocr', content: invoicePdf(), daysAgo: 5.1 },
    { filename: 'receipt-scan.png', purpose: 'ocr', content: receiptPng(), daysAgo: 3.6 },
    { filename: 'standup-snippet.wav', purpose: 'audio', content: toneWav(), daysAgo: 1.2 },
  ];
}

export async function seedDemo(store: FileStore): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  for (const demo of demoFiles()) {
    const tempPath = store.newTempPath();
    await fs.writeFile(tempPath, demo.content);
    const sha256 = createHash('sha256').update(demo.content).digest('hex');
    let sniffer: JsonlSniffer | undefined;
    if (isJsonlFilename(demo.filename)) {
      sniffer = new JsonlSniffer();
      sniffer.update(demo.content);
    }
    const source = demo.source ?? 'upload';
    await store.add({
      bytes: demo.content.length,
      created_at: now - Math.round(demo.daysAgo * 86400),
      filename: demo.filename,
      purpose: demo.purpose,
      sample_type: demo.sampleType ?? inferSampleType(demo.purpose, sniffer?.firstLine),
      source,
      num_lines: sniffer ? sniffer.numLines : null,
      mimetype: mimetypeForFilename(demo.filename),
      // Batch outputs are written by Mistral itself; the spec's list example shows them without a signature.
      signature: source === 'mistral' ? null : sha256.slice(0, 16),
      expires_at: null,
      visibility: demo.visibility ?? 'workspace',
      sha256,
    }, tempPath);
  }
}
