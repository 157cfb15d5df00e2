/** The CLI's file commands over MistralClient. Each returns what to print; errors propagate to main.ts. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MistralApi } from '../api/client';
import { MistralApiError } from '../api/core/errors';
import { SIGNED_URL_DEFAULT_HOURS } from '../api/files/types';
import { formatBytes } from '../util/format';
import { sanitizeFilename } from '../util/sanitizeFilename';
import { printable, ProgressLine, renderFileDetails, renderFileList } from './render';

export class UsageError extends Error {}

export interface CommandContext {
  api: MistralApi;
  json: boolean;
  signal: AbortSignal;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  cwd: string;
  relieveMemory?: (transferred: number) => void;
}

export type Options = Record<string, string | boolean | string[] | undefined>;

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function wholeNumber(options: Options, name: string, min: number, wanted = `a whole number ≥ ${min}`): number | undefined {
  const raw = text(options, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) throw new UsageError(`--${name} needs ${wanted}; got "${raw}"`);
  return Number(raw);
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`Give the ${what}`);
  if (positionals.length > 1) throw new UsageError(`Give one ${what} only; got ${positionals.length}`);
  return positionals[0];
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export async function listCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  if (positionals.length > 0) throw new UsageError(`list takes no arguments; got "${positionals[0]}"`);
  const page = wholeNumber(options, 'page', 0) ?? 0;
  const strings = (name: string): string[] | undefined => {
    const value = options[name];
    return Array.isArray(value) && value.length > 0 ? value : undefined;
  };
  const list = await ctx.api.files.list(
    {
      page,
      pageSize: wholeNumber(options, 'page-size', 1),
      purpose: text(options, 'purpose'),
      search: text(options, 'search'),
      sampleType: strings('sample-type'),
      source: strings('source'),
      includeTotal: true,
    },
    { signal: ctx.signal },
  );
  if (ctx.json) printJson(ctx, list);
  else ctx.stdout.write(renderFileList(list, page));
}

export async function getCommand(ctx: CommandContext, positionals: string[]): Promise<void> {
  const file = await ctx.api.files.retrieve(onePositional(positionals, 'file id'), { signal: ctx.signal });
  if (ctx.json) printJson(ctx, file);
  else ctx.stdout.write(renderFileDetails(file));
}

export async function uploadCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const localPath = path.resolve(ctx.cwd, onePositional(positionals, 'file to upload'));
  const expiry = wholeNumber(options, 'expiry', 0);
  const name = text(options, 'name') ?? path.basename(localPath);
  const progress = new ProgressLine(ctx.stderr, 'Uploading', printable(name));
  try {
    const file = await ctx.api.files.upload(localPath, {
      purpose: text(options, 'purpose') ?? 'fine-tune',
      visibility: text(options, 'visibility'),
      expiry,
      filename: name,
      signal: ctx.signal,
      onProgress: (p) => {
        progress.update(p);
        ctx.relieveMemory?.(p.transferred);
      },
    });
    progress.finish();
    if (ctx.json) printJson(ctx, file);
    else ctx.stdout.write(`Uploaded ${printable(file.filename)} (${formatBytes(file.bytes)}) as ${printable(file.id)}\n`);
  } catch (err) {
    // Cancelled once the whole file had been sent: say how to find out whether it was stored.
    if (err instanceof MistralApiError && err.mayHaveApplied) {
      throw new MistralApiError({
        kind: err.kind,
        message: `${err.message}. To check: mistral-files list --search ${JSON.stringify(name)}`,
        operation: err.operation,
        mayHaveApplied: true,
      });
    }
    throw err;
  } finally {
    progress.finish();
  }
}

export async function downloadCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const fileId = onePositional(positionals, 'file id');
  const out = text(options, 'out');
  let destination: string;
  let displayName: string;
  // A name the user typed may be replaced; the remote name is only written where nothing is, up to the last moment.
  let overwrite = true;
  const outStat = out === undefined ? undefined : await fs.promises.stat(path.resolve(ctx.cwd, out)).catch(() => undefined);
  if (out !== undefined && !outStat?.isDirectory()) {
    // An explicit file name is the user's choice: it is replaced (atomically) if it exists.
    destination = path.resolve(ctx.cwd, out);
    displayName = path.basename(destination);
  } else {
    const meta = await ctx.api.files.retrieve(fileId, { signal: ctx.signal });
    displayName = sanitizeFilename(meta.filename, `${meta.id}.bin`);
    destination = path.join(out === undefined ? ctx.cwd : path.resolve(ctx.cwd, out), displayName);
    if (!options.force && fs.existsSync(destination)) {
      throw new UsageError(`${destination} already exists; pass --force to replace it or --out to choose another name`);
    }
    overwrite = options.force === true;
  }
  const progress = new ProgressLine(ctx.stderr, 'Downloading', printable(displayName));
  try {
    const result = await ctx.api.files.downloadToFile(fileId, destination, {
      signal: ctx.signal,
      overwrite,
      onProgress: (p) => {
        progress.update(p);
        ctx.relieveMemory?.(p.transferred);
      },
    });
    progress.finish();
    if (ctx.json) printJson(ctx, { id: fileId, path: destination, bytes: result.bytes });
    else ctx.stdout.write(`Saved ${formatBytes(result.bytes)} to ${destination}\n`);
  } finally {
    progress.finish();
  }
}

export async function deleteCommand(ctx: CommandContext, positionals: string[]): Promise<void> {
  const result = await ctx.api.files.delete(onePositional(positionals, 'file id'), { signal: ctx.signal });
  if (ctx.json) printJson(ctx, result);
  else ctx.stdout.write(result.deleted ? `Deleted ${printable(result.id)}\n` : `Mistral did not delete ${printable(result.id)}\n`);
}

export async function urlCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const fileId = onePositional(positionals, 'file id');
  const hours = wholeNumber(options, 'expiry', 0, 'a whole number of hours (1 to 168)') ?? SIGNED_URL_DEFAULT_HOURS;
  const signed = await ctx.api.files.getSignedUrl(fileId, hours, { signal: ctx.signal });
  if (ctx.json) printJson(ctx, { ...signed, expiry_hours: hours });
  else ctx.stdout.write(`${printable(signed.url)}\n`);
}
