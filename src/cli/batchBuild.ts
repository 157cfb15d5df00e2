/**
 * `mistral-files batch build`: a batch input file from rows and a body template, from a text file of prompts, or from
 * a folder of documents or audio (uploaded first, referred to by file id). Written atomically, then checked with the
 * batch rules; a file with errors is kept (it is the user's to fix) and the command exits 2 saying where they are.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BuildInputError,
  FOLDER_ENDPOINTS,
  folderFiles,
  jsonlOf,
  placeholders,
  readRows,
  requestForFile,
  requestsFromPrompts,
  requestsFromRows,
  type BatchLine,
  type FolderEndpoint,
} from '../batchBuild/build';
import { errorMessage } from '../api/core/errors';
import { checkDestination, writeAtomically } from '../api/files/download';
import { UsageError, type CommandContext, type Options } from './commands';
import { printable } from './render';

export const BATCH_BUILD_USAGE = `  batch build --from FILE|FOLDER --out FILE [--force]
      --from rows.csv|rows.tsv|rows.jsonl --template body.json [--custom-id COLUMN]
                               One request per row; the template's strings may hold {{column}}
      --from prompts.txt [--model M] [--max-tokens N]
                               One chat request per line
      --from folder/ --endpoint /v1/ocr|/v1/audio/transcriptions [--model M]
                               One request per PDF/image (or audio file), each uploaded first
`;

export const BATCH_BUILD_OPTIONS = {
  from: { type: 'string' },
  out: { type: 'string', short: 'o' },
  template: { type: 'string' },
  'custom-id': { type: 'string' },
  model: { type: 'string' },
  'max-tokens': { type: 'string' },
  endpoint: { type: 'string' },
  force: { type: 'boolean' },
} as const;

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function required(options: Options, name: string): string {
  const value = text(options, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`batch build needs --${name}`);
  return value;
}

async function readTemplate(file: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await fs.promises.readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--template ${file}: no such file`);
  }
  try {
    return JSON.parse(raw.replace(/^\ufeff/, '')) as unknown;
  } catch (err) {
    throw new UsageError(`--template ${file} is not JSON (${errorMessage(err)}); it is one request body, e.g. {"messages": [{"role": "user", "content": "{{question}}"}]}`);
  }
}

async function* uploadedRequests(ctx: CommandContext, folder: string, endpoint: FolderEndpoint, model: string | undefined): AsyncGenerator<BatchLine> {
  const files = await folderFiles(folder, endpoint);
  if (files.length === 0) throw new UsageError(`${printable(folder)} has no ${FOLDER_ENDPOINTS[endpoint].extensions.join('/')} files for ${endpoint}`);
  let done = 0;
  for (const file of files) {
    const uploaded = await ctx.api.files.upload(file, { purpose: FOLDER_ENDPOINTS[endpoint].purpose, signal: ctx.signal });
    ctx.stderr.write(`Uploaded ${++done}/${files.length}: ${printable(path.basename(file))} → ${uploaded.id}\n`);
    yield requestForFile(endpoint, file, uploaded.id, model);
  }
}

export async function buildCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<number | void> {
  if (positionals.length > 0) throw new UsageError(`batch build takes no positional arguments; got ${positionals.map((p) => `"${p}"`).join(', ')}`);
  const from = path.resolve(ctx.cwd, required(options, 'from'));
  const out = path.resolve(ctx.cwd, required(options, 'out'));
  const stat = await fs.promises.stat(from).catch(() => undefined);
  if (!stat) throw new UsageError(`--from ${printable(from)}: no such file or folder`);
  // Before any upload: a folder or missing folder is refused; a FIFO or device is written into (and not re-read).
  const kind = await checkDestination(out, 'batch build');
  if (kind === 'file' && fs.existsSync(out) && options.force !== true) throw new UsageError(`${printable(out)} already exists; pass --force to replace it`);
  const model = text(options, 'model');
  const maxTokensRaw = text(options, 'max-tokens');
  if (maxTokensRaw !== undefined && !/^[1-9]\d*$/.test(maxTokensRaw.trim())) throw new UsageError(`--max-tokens needs a whole number ≥ 1; got "${maxTokensRaw}"`);
  let lines: AsyncIterable<BatchLine>;
  if (stat.isDirectory()) {
    const endpoint = text(options, 'endpoint')?.trim().replace(/^(?!\/)/, '/').replace(/^\/(?!v1\/)/, '/v1/') as FolderEndpoint | undefined;
    if (!endpoint || !(endpoint in FOLDER_ENDPOINTS)) throw new UsageError(`A folder needs --endpoint ${Object.keys(FOLDER_ENDPOINTS).join(' or ')}`);
    lines = uploadedRequests(ctx, from, endpoint, model);
  } else if (/\.txt$/i.test(from)) {
    if (text(options, 'template') !== undefined) throw new UsageError('A text file of prompts takes no --template (each line is the user message); use a CSV with a template instead');
    lines = requestsFromPrompts(from, { model, maxTokens: maxTokensRaw ? Number(maxTokensRaw) : undefined, signal: ctx.signal });
  } else if (/\.(csv|tsv|tab|jsonl|ndjson)$/i.test(from)) {
    const template = await readTemplate(path.resolve(ctx.cwd, required(options, 'template')));
    if (placeholders(template).length === 0) ctx.stderr.write('Note: the template has no {{column}} placeholder, so every request is the same\n');
    const body = model && template !== null && typeof template === 'object' && !Array.isArray(template) && !('model' in template) ? { model, ...template } : template;
    lines = requestsFromRows(readRows(from, ctx.signal), { template: body, customIdColumn: text(options, 'custom-id'), signal: ctx.signal });
  } else {
    throw new UsageError(`--from ${printable(from)}: give a .csv, .tsv or .jsonl of rows (with --template), a .txt of prompts, or a folder`);
  }
  let count = 0;
  const counted = async function* (): AsyncGenerator<Buffer> {
    for await (const line of jsonlOf(lines)) {
      count++;
      yield Buffer.from(line, 'utf8');
    }
  };
  try {
    // Nothing that appeared at `out` while building is replaced without --force; a FIFO is written into.
    await writeAtomically(counted(), out, undefined, () => undefined, { overwrite: options.force === true, kind });
  } catch (err) {
    if (err instanceof BuildInputError) throw new UsageError(`${err.message}; nothing was written`);
    throw err;
  }
  if (kind === 'stream') {
    if (ctx.json) ctx.stdout.write(`${JSON.stringify({ path: out, requests: count }, null, 2)}\n`);
    else ctx.stdout.write(`Wrote ${count} request${count === 1 ? '' : 's'} to ${printable(out)}\n`);
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require keeps the validator out of start-up
  const { validateFile } = require('../validation/index') as typeof import('../validation/index');
  const result = await validateFile(out, { purpose: 'batch', maxDiagnostics: 5, signal: ctx.signal });
  if (ctx.json) ctx.stdout.write(`${JSON.stringify({ path: out, requests: count, errors: result.summary.errors, warnings: result.summary.warnings }, null, 2)}\n`);
  else ctx.stdout.write(`Wrote ${count} request${count === 1 ? '' : 's'} to ${printable(out)}\n`);
  if (result.summary.errors > 0) {
    const shown = result.diagnostics.filter((d) => d.severity === 'error').map((d) => `  ${printable(path.basename(out))}:${d.line}:${d.column}: ${d.code} ${d.message}\n`);
    ctx.stderr.write(`The file does not pass the batch rules (${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'}); fix the template or the rows:\n${shown.join('')}`);
    return 2;
  }
  return undefined;
}
