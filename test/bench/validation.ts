/**
 * Validation benchmark: a generated instruct file validated by ours and by a naive baseline
 * (readFileSync + split + JSON.parse of every line, no rules), each in its own child process so
 * each peak RSS is its own (measured like the other sections: wall time with process start-up,
 * peak RSS from /usr/bin/time -v). Size: MF_BENCH_VALIDATION_MB (default 256).
 * Run alone: `node out/test/bench/validation.js`.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, type Measurement } from './measure';
import { runAsScript } from './table';
import type { BenchRow } from './types';

interface ChildReport {
  seconds: number;
  records: number;
  errors: number;
}

const MB = 1024 * 1024;

/** Realistic conversations: system prompt, several turns, some function calling, a few errors. */
function sampleLine(k: number): string {
  const words = 'the model answers each question with care and detail so that the fine tuned assistant learns a consistent helpful style'.split(' ');
  const sentence = (n: number): string => Array.from({ length: n }, (_, i) => words[(k * 7 + i * 3) % words.length]).join(' ');
  if (k % 10 === 3) {
    return JSON.stringify({
      messages: [
        { role: 'user', content: `What is the weather in city ${k}?` },
        { role: 'assistant', tool_calls: [{ id: 'D681PevKs', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: `city ${k}` }) } }] },
        { role: 'tool', content: '{"temperature": 21}', tool_call_id: 'D681PevKs' },
        { role: 'assistant', content: `It is 21 degrees in city ${k}. ${sentence(20)}` },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    });
  }
  const messages = [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: `Question ${k}: ${sentence(25)}?` },
    { role: 'assistant', content: sentence(60) },
    { role: 'user', content: `Follow-up: ${sentence(15)}` },
    { role: k % 1000 === 7 ? 'robot' : 'assistant', content: sentence(40) },
  ];
  return JSON.stringify({ messages });
}

export async function generateInstructFile(path: string, megabytes: number): Promise<number> {
  return writeJsonlFile(path, megabytes, sampleLine);
}

/** Writes lines `lineAt(0)`, `lineAt(1)`, … until the file holds `megabytes`, in 4 MB blocks; resolves with its size. */
export async function writeJsonlFile(path: string, megabytes: number, lineAt: (k: number) => string): Promise<number> {
  const out = createWriteStream(path);
  const target = megabytes * MB;
  let written = 0;
  let k = 0;
  while (written < target) {
    const block: string[] = [];
    let blockBytes = 0;
    while (blockBytes < 4 * MB && written + blockBytes < target) {
      const line = `${lineAt(k++)}\n`;
      block.push(line);
      blockBytes += line.length;
    }
    written += blockBytes;
    if (!out.write(block.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(path).size;
}

async function runChild(mode: 'ours' | 'ours-exact' | 'baseline', path: string): Promise<{ measured: Measurement; report: ChildReport }> {
  const measured = await measure(process.execPath, [__filename, 'child', mode, path], process.env, process.cwd());
  if (measured.code !== 0) throw new Error(`validation bench child (${mode}) exited with ${measured.code}: ${measured.stderr.slice(-500)}`);
  return { measured, report: JSON.parse(measured.stdout.trim().split('\n').pop() ?? '{}') as ChildReport };
}

export async function runValidationBench(): Promise<BenchRow[]> {
  const megabytes = Number(process.env.MF_BENCH_VALIDATION_MB ?? 256);
  const path = join(tmpdir(), `mf-bench-validation-${process.pid}.jsonl`);
  try {
    const bytes = await generateInstructFile(path, megabytes);
    const size = bytes / MB;
    const rows: BenchRow[] = [];
    // Baseline first, then ours: both read a file the generator just left in the page cache.
    for (const [mode, contender] of [
      ['baseline', 'naive baseline'],
      ['ours', 'ours'],
      ['ours-exact', 'ours, exact tokens'],
    ] as const) {
      const { measured, report } = await runChild(mode, path);
      rows.push({
        section: 'validation',
        contender,
        operation: `validate ${Math.round(size)} MB instruct JSONL`,
        megabytes: size,
        seconds: measured.seconds,
        peakRssMb: measured.peakRssMb,
        note: `${report.records.toLocaleString('en-US')} records, ${report.seconds.toFixed(2)} s inside the process; ${mode === 'baseline' ? 'JSON.parse only, no rules' : `every rule on, ${report.errors} errors found; tokens ${mode === 'ours' ? 'estimated (the upload gate, live validation)' : 'counted with the v3 vocabulary (Validate JSONL File, CLI validate)'}`}`,
      });
    }
    return rows;
  } finally {
    rmSync(path, { force: true });
  }
}

async function childMain(mode: string, path: string): Promise<void> {
  const started = process.hrtime.bigint();
  let records = 0;
  let errors = 0;
  if (mode === 'baseline') {
    const lines = readFileSync(path, 'utf8').split('\n');
    for (const line of lines) {
      if (line.length === 0) continue;
      JSON.parse(line);
      records++;
    }
  } else {
    // Loaded here, not at the top: the parent process never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { validateFile } = require('../../src/validation/index') as typeof import('../../src/validation/index');
    const result = await validateFile(path, { tokens: mode === 'ours-exact' ? 'exact' : 'estimate' });
    records = result.summary.records;
    errors = result.summary.errors;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report: ChildReport = { seconds, records, errors };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

if (require.main === module) runAsScript(runValidationBench, { child: childMain });
