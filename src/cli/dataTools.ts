/**
 * `mistral-files convert` and `mistral-files split`: local data tools, no API key needed.
 * Exit status: 0 done, 1 the converted output still has validation errors (or nothing could be converted), 2 bad
 * usage or input, 130 cancelled.
 */
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../api/core/errors';
import {
  convertFile,
  ConvertInputError,
  DEFAULT_MAX_SHARD_BYTES,
  DEFAULT_VALIDATION,
  renderConvertReport,
  renderSplitReport,
  SOURCE_FORMATS,
  splitFile,
  SplitInputError,
  type SourceFormat,
  type SplitOptions,
} from '../convert/index';
import { parseSize, parseValidationSize } from '../convert/sizes';
import { OutputError } from '../util/safeOutput';

export interface DataToolsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
  signal: AbortSignal;
}

export const CONVERT_USAGE = `Usage: mistral-files convert [--from auto|openai|sharegpt|alpaca|csv] FILE --out FILE [--json]
         [--delimiter C] [--user-column NAME] [--assistant-column NAME] [--system-column NAME] [--no-validate]
  Converts OpenAI chat (also legacy functions), ShareGPT, Alpaca, CSV/TSV or pretrain data to Mistral fine-tuning
  JSONL, keeping function calling; prints what changed and what was dropped and why, then validates the output.
  FILE is JSON Lines, one JSON array of records, or CSV/TSV. --from auto (the default) reads CSV by extension or
  content, and each JSON record by its keys.`;

export const SPLIT_USAGE = `Usage: mistral-files split FILE [--validation SIZE|PERCENT|none] [--seed N] [--max-size SIZE] [--out-dir DIR] [--force] [--json]
  Without options: a train file and a validation file of min(1 MB, 5%) drawn at random (seed 42).
  --validation none: shards only. Outputs larger than --max-size (default 500 MB, under the 512 MB upload limit) are
  split into numbered shards on line boundaries. Sizes: 1000000, 800KB, 1.5MB, 2GB, 512MiB; percent: 5%.`;

class UsageError extends Error {}

function size(text: string, what: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new UsageError(`${what} needs a size such as 500MB, 800KB or 1000000 (bytes); got "${text}"`);
  return bytes;
}

function parse(argv: string[], options: ParseArgsConfig['options'], usage: string): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    throw new UsageError(`${errorMessage(err)}\n${usage}`);
  }
}

function onlyFile(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`${positionals.length === 0 ? 'Give the file' : `Give one file only; got ${positionals.length}`}\n${usage}`);
  return positionals[0];
}

async function guarded(io: DataToolsIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConvertInputError || err instanceof SplitInputError || err instanceof OutputError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    if ((err as Error).name === 'AbortError') {
      io.stderr.write('Cancelled; no output was written\n');
      return 130;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR') {
      io.stderr.write(`${errorMessage(err)}\n`);
      return 2;
    }
    throw err;
  }
}

export function runConvert(argv: string[], io: DataToolsIo): Promise<number> {
  return guarded(io, async () => {
    const { values, positionals } = parse(
      argv,
      {
        from: { type: 'string' },
        out: { type: 'string', short: 'o' },
        delimiter: { type: 'string' },
        'user-column': { type: 'string' },
        'assistant-column': { type: 'string' },
        'system-column': { type: 'string' },
        'no-validate': { type: 'boolean' },
      },
      CONVERT_USAGE,
    );
    if (values.help) {
      io.stdout.write(`${CONVERT_USAGE}\n`);
      return 0;
    }
    const input = path.resolve(io.cwd, onlyFile(positionals, CONVERT_USAGE));
    const from = (values.from ?? 'auto') as SourceFormat;
    if (!SOURCE_FORMATS.includes(from)) throw new UsageError(`--from must be one of ${SOURCE_FORMATS.join(', ')}; got "${String(values.from)}"`);
    if (typeof values.out !== 'string') throw new UsageError(`Give the output file with --out FILE\n${CONVERT_USAGE}`);
    const output = path.resolve(io.cwd, values.out);
    const delimiter = values.delimiter === '\\t' || values.delimiter === 'tab' ? '\t' : (values.delimiter as string | undefined);
    const result = await convertFile(input, output, {
      from,
      signal: io.signal,
      validate: values['no-validate'] !== true,
      csv: { delimiter, userColumn: values['user-column'] as string | undefined, assistantColumn: values['assistant-column'] as string | undefined, systemColumn: values['system-column'] as string | undefined },
    });
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(renderConvertReport(result));
    return !result.outputWritten || (result.validation?.summary.errors ?? 0) > 0 ? 1 : 0;
  });
}

export function runSplit(argv: string[], io: DataToolsIo): Promise<number> {
  return guarded(io, async () => {
    const { values, positionals } = parse(
      argv,
      { validation: { type: 'string' }, seed: { type: 'string' }, 'max-size': { type: 'string' }, 'out-dir': { type: 'string' }, force: { type: 'boolean' } },
      SPLIT_USAGE,
    );
    if (values.help) {
      io.stdout.write(`${SPLIT_USAGE}\n`);
      return 0;
    }
    const input = path.resolve(io.cwd, onlyFile(positionals, SPLIT_USAGE));
    const options: SplitOptions = { force: values.force === true, signal: io.signal, outDir: typeof values['out-dir'] === 'string' ? path.resolve(io.cwd, values['out-dir']) : undefined };
    options.validation = parseValidation(values.validation as string | undefined);
    if (typeof values['max-size'] === 'string') options.maxShardBytes = size(values['max-size'], '--max-size');
    if (typeof values.seed === 'string') {
      if (!/^\d+$/.test(values.seed)) throw new UsageError(`--seed needs a whole number; got "${values.seed}"`);
      options.seed = Number(values.seed);
    }
    options.maxShardBytes ??= DEFAULT_MAX_SHARD_BYTES;
    const result = await splitFile(input, options);
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(renderSplitReport(result));
    return 0;
  });
}

function parseValidation(text: string | undefined): SplitOptions['validation'] {
  if (text === undefined || text === 'default' || text === 'auto') return { ...DEFAULT_VALIDATION };
  const parsed = parseValidationSize(text);
  if (parsed === undefined) throw new UsageError(`--validation needs a size such as 1MB, a percentage below 100 such as 5%, or none; got "${text}"`);
  return parsed ?? undefined;
}
