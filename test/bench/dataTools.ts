/**
 * Convert and split benchmark: a generated OpenAI-format chat file (a tenth with function calling, OpenAI call ids,
 * content: null beside the calls) converted to Mistral JSONL and split, by the bundled CLI (node dist/cli.js, as
 * users run it) and by a naive baseline that loads the whole file (readFileSync + split + JSON.parse/stringify),
 * each in its own child process so each peak RSS is its own. Size: MF_BENCH_DATA_MB (default 256).
 * Run alone: BENCH_ONLY=data npm run bench.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, type Measurement } from './measure';
import { runAsScript } from './table';
import type { BenchRow } from './types';
import { writeJsonlFile } from './validation';

const MB = 1024 * 1024;
const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function openAiLine(k: number): string {
  const words = 'the model answers each question with care and detail so that the fine tuned assistant learns a consistent helpful style'.split(' ');
  const sentence = (n: number): string => Array.from({ length: n }, (_, i) => words[(k * 7 + i * 3) % words.length]).join(' ');
  if (k % 10 === 3) {
    const id = `call_${k.toString(36)}Qd1rWmZt`;
    return JSON.stringify({
      messages: [
        { role: 'user', content: `What is the weather in city ${k}?` },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: `city ${k}` }) } }] },
        { role: 'tool', tool_call_id: id, content: '{"temperature": 21}' },
        { role: 'assistant', content: `It is 21 degrees in city ${k}. ${sentence(20)}` },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
      parallel_tool_calls: false,
    });
  }
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: `Question ${k}: ${sentence(25)}?` },
      { role: 'assistant', content: sentence(60) },
      { role: 'user', content: `Follow-up: ${sentence(15)}` },
      { role: 'assistant', content: sentence(40), weight: null },
    ],
  });
}

function generate(path: string, megabytes: number): Promise<number> {
  return writeJsonlFile(path, megabytes, openAiLine);
}

async function run(args: string[], what: string): Promise<Measurement> {
  const measured = await measure(process.execPath, args, process.env, ROOT);
  if (measured.code !== 0) throw new Error(`${what} exited with ${measured.code}: ${measured.stderr.slice(-500)}`);
  return measured;
}

export async function runDataToolsBench(): Promise<BenchRow[]> {
  const megabytes = Number(process.env.MF_BENCH_DATA_MB ?? 256);
  const dir = mkdtempSync(join(tmpdir(), 'mf-bench-data-'));
  const input = join(dir, 'openai.jsonl');
  try {
    const size = (await generate(input, megabytes)) / MB;
    const rows: BenchRow[] = [];
    const row = (contender: string, operation: string, measured: Measurement, note: string, megabytesIn = size): void => {
      rows.push({ section: 'data', contender, operation, megabytes: megabytesIn, seconds: measured.seconds, peakRssMb: measured.peakRssMb, note });
    };
    const op = `convert ${Math.round(size)} MB OpenAI JSONL`;
    row('naive baseline', op, await run([__filename, 'baseline-convert', input, join(dir, 'naive.jsonl')], 'baseline convert'), 'whole file in memory, ids not remapped, no report');
    row('ours (CLI)', op, await run([CLI, 'convert', input, '--out', join(dir, 'mistral.jsonl'), '--no-validate'], 'convert'), 'streamed, ids remapped, report; no validation');
    const validated = await run([CLI, 'convert', input, '--out', join(dir, 'mistral.jsonl'), '--json'], 'convert with validation');
    const result = JSON.parse(validated.stdout) as { written: number; validation?: { summary: { errors: number } } };
    row('ours (CLI)', `${op} + validate`, validated, `${result.written.toLocaleString('en-US')} records written, ${result.validation?.summary.errors ?? '?'} validation errors`);
    const mistral = join(dir, 'mistral.jsonl');
    const mistralMb = statSync(mistral).size / MB;
    const splitOp = `split ${Math.round(mistralMb)} MB train/validation`;
    row('naive baseline', splitOp, await run([__filename, 'baseline-split', mistral, dir], 'baseline split'), 'whole file in memory, Fisher-Yates shuffle', mistralMb);
    row('ours (CLI)', splitOp, await run([CLI, 'split', mistral, '--out-dir', dir, '--force'], 'split'), 'two streamed passes, seeded draw of min(1 MB, 5%)', mistralMb);
    const shardBytes = Math.ceil(statSync(mistral).size / 4);
    row('ours (CLI)', `split into 4 shards`, await run([CLI, 'split', mistral, '--validation', 'none', '--max-size', String(shardBytes), '--out-dir', dir, '--force'], 'shards'), 'one streamed pass after the count', mistralMb);
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The loader people write first: fine for small files, and the reason the CLI streams. */
function baselineConvert(input: string, output: string): void {
  const out: string[] = [];
  for (const line of readFileSync(input, 'utf8').split('\n')) {
    if (line === '') continue;
    const record = JSON.parse(line) as { messages: Array<Record<string, unknown>>; tools?: unknown };
    for (const message of record.messages) if (message.content === null) delete message.content;
    out.push(JSON.stringify({ messages: record.messages, tools: record.tools }));
  }
  writeFileSync(output, `${out.join('\n')}\n`);
}

function baselineSplit(input: string, dir: string): void {
  const lines = readFileSync(input, 'utf8').split('\n').filter((line) => line !== '');
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const count = Math.max(1, Math.round(lines.length * 0.05));
  writeFileSync(join(dir, 'naive.validation.jsonl'), `${lines.slice(0, count).join('\n')}\n`);
  writeFileSync(join(dir, 'naive.train.jsonl'), `${lines.slice(count).join('\n')}\n`);
}

if (require.main === module) runAsScript(runDataToolsBench, { 'baseline-convert': baselineConvert, 'baseline-split': baselineSplit });
