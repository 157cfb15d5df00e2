/**
 * `mistral-files ocr …` and `mistral-files transcribe …`: a document or recording in, Markdown or a transcript out.
 * A local PATH is checked against its purpose (type, size, pages) and uploaded first, so one command does the
 * upload-then-call ritual; a file id uses the file already uploaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { outputStem, planOcrOutput, transcriptText } from '../api/documents/output';
import { parsePageList } from '../api/documents/documentsClient';
import { plainL10n } from '../purposes/purposes';
import { checkUpload } from '../purposes/uploadCheck';
import { formatBytes } from '../util/format';
import { joinInside } from '../util/sanitizeFilename';
import { destinationKind, writeSafely } from '../util/safeOutput';
import { UsageError, uploadCommand, type CommandContext, type Options } from './commands';
import { printable, ProgressLine } from './render';

export const DOCUMENT_USAGE = `  ocr FILE_ID|PATH [--pages 0,2-4] [--images] [--out DIR] [--force] [--model M]
                               Read a PDF or image as Markdown: writes <name>.md (pages joined with page markers)
                               and, with --images, the extracted images beside it; a local PATH is checked (type,
                               50 MB, 1,000 pages) and uploaded with purpose ocr first
  transcribe FILE_ID|PATH [--language xx] [--timestamps] [--out FILE] [--force] [--model M]
                               Transcribe a recording to stdout (or FILE); --timestamps gives timed segments; a
                               local PATH is checked and uploaded with purpose audio first
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `Give the ${what}` : `Give one ${what} only; got ${positionals.length}`);
  return positionals[0];
}

/**
 * Checks a local file against `purpose`: a refusal stops here, before a byte is sent (exit 2); warnings go to stderr.
 * Shared by `upload`, `ocr` and `transcribe`.
 */
export async function checkLocalUpload(ctx: CommandContext, localPath: string, purpose: string, remoteName?: string): Promise<void> {
  const stat = await fs.promises.stat(localPath).catch(() => undefined);
  if (!stat?.isFile()) return; // The upload reports a missing file or a folder in its own words.
  const problems = await checkUpload(localPath, stat.size, purpose, plainL10n, remoteName);
  const refusals = problems.filter((problem) => problem.level === 'refuse');
  if (refusals.length > 0) {
    throw new UsageError(`${refusals.map((problem) => printable(problem.message)).join('\n')}\nNothing was uploaded.`);
  }
  for (const warning of problems) ctx.stderr.write(`Warning: ${printable(warning.message)}\n`);
}

/** A local file is checked and uploaded with `purpose`; anything else must be a file id. */
async function resolveSource(ctx: CommandContext, input: string, purpose: 'ocr' | 'audio'): Promise<{ id: string; name: string }> {
  const localPath = path.resolve(ctx.cwd, input);
  const stat = await fs.promises.stat(localPath).catch(() => undefined);
  if (stat?.isFile()) {
    await checkLocalUpload(ctx, localPath, purpose);
    const name = path.basename(localPath);
    const progress = new ProgressLine(ctx.stderr, 'Uploading', printable(name));
    try {
      const file = await ctx.api.files.upload(localPath, { purpose, signal: ctx.signal, onProgress: (p) => progress.update(p) });
      progress.finish();
      if (!ctx.json) ctx.stderr.write(`Uploaded ${printable(name)} (${formatBytes(file.bytes)}) as ${file.id}\n`);
      return { id: file.id, name };
    } finally {
      progress.finish();
    }
  }
  if (stat?.isDirectory()) throw new UsageError(`${input} is a folder; give a file or a file id`);
  if (!UUID.test(input.trim())) throw new UsageError(`${input}: no such file, and not a file id`);
  const remote = await ctx.api.files.retrieve(input.trim(), { signal: ctx.signal });
  return { id: remote.id, name: remote.filename };
}

async function ocrCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const input = onePositional(positionals, 'document (a local PDF or image, or the id of an uploaded one)');
  const pagesText = text(options, 'pages');
  let pages: number[] | undefined;
  try {
    pages = pagesText === undefined ? undefined : parsePageList(pagesText);
  } catch (err) {
    throw new UsageError(`--pages: ${(err as Error).message}`);
  }
  const outDir = path.resolve(ctx.cwd, text(options, 'out') ?? '.');
  const outStat = await fs.promises.stat(outDir).catch(() => undefined);
  if (outStat && !outStat.isDirectory()) throw new UsageError(`--out ${text(options, 'out')} is a file; give a folder for the Markdown and its images`);
  const force = options.force === true;
  // The name is known before the (billed) call when the input is local: refuse a clash before paying for it.
  const localName = fs.existsSync(path.resolve(ctx.cwd, input)) ? path.basename(input) : undefined;
  if (localName) await refuseExisting(path.join(outDir, `${outputStem(localName)}.md`), force, { createsFolder: true });

  const source = await resolveSource(ctx, input, 'ocr');
  const stem = outputStem(source.name);
  const markdownPath = joinInside(outDir, `${stem}.md`);
  await refuseExisting(markdownPath, force, { createsFolder: true });
  const result = await ctx.api.documents.ocr(source.id, { pages, includeImages: options.images === true, model: text(options, 'model'), signal: ctx.signal });
  await fs.promises.mkdir(outDir, { recursive: true });
  // Images never replace a file that was there before this run unless --force: a taken name gets " (1)", and one
  // taken while the call ran is left as it is.
  const plan = planOcrOutput(result, stem, force ? () => false : (name) => fs.existsSync(path.join(outDir, name)));
  const rules = { overwrite: force, during: 'OCR', advice: 'pass --force to replace it or --out to choose another folder' };
  const imagePaths: string[] = [];
  for (const image of plan.images) {
    const target = joinInside(outDir, image.fileName);
    await writeSafely(target, [image.bytes], rules);
    imagePaths.push(target);
  }
  // Written last: a Markdown file on disk always has its images beside it.
  await writeSafely(markdownPath, [plan.markdown], rules);
  if (ctx.json) {
    ctx.stdout.write(`${JSON.stringify({ file_id: source.id, model: result.model, pages: result.pages.map((page) => page.index), markdown: markdownPath, images: imagePaths }, null, 2)}\n`);
    return;
  }
  const pageCount = result.pages.length;
  const images = imagePaths.length > 0 ? ` and ${imagePaths.length} image${imagePaths.length === 1 ? '' : 's'}` : '';
  ctx.stdout.write(`Read ${pageCount} page${pageCount === 1 ? '' : 's'} of ${printable(source.name)} (${result.model}): wrote ${markdownPath}${images}\n`);
}

/**
 * Refuses, before the (billed) call, a destination that cannot be written or would be replaced without --force. A
 * FIFO or a device (/dev/null, a terminal) is written into, not replaced, so it needs no --force.
 */
async function refuseExisting(target: string, force: boolean, options: { createsFolder: boolean }): Promise<void> {
  // A folder that will be created holds nothing yet; one that will not must exist (destinationKind says so).
  if (options.createsFolder && !fs.existsSync(path.dirname(target))) return;
  const kind = await destinationKind(target);
  if (!force && kind === 'file' && fs.existsSync(target)) throw new UsageError(`${target} already exists; pass --force to replace it or --out to choose another folder`);
}

async function transcribeCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  const input = onePositional(positionals, 'recording (a local audio file, or the id of an uploaded one)');
  const language = text(options, 'language');
  if (language !== undefined && !/^[a-z]{2}$/i.test(language.trim())) throw new UsageError(`--language needs two letters such as en or fr; got "${language}"`);
  const out = text(options, 'out');
  const destination = out === undefined ? undefined : path.resolve(ctx.cwd, out);
  // No folder is created for --out FILE: a missing one is said before the (billed) call.
  if (destination) await refuseExisting(destination, options.force === true, { createsFolder: false });
  const source = await resolveSource(ctx, input, 'audio');
  const transcription = await ctx.api.documents.transcribe(source.id, {
    language: language?.trim(), timestamps: options.timestamps === true, model: text(options, 'model'), signal: ctx.signal,
  });
  const output = ctx.json && !destination ? `${JSON.stringify(transcription, null, 2)}\n` : transcriptText(transcription);
  if (!destination) {
    ctx.stdout.write(output);
    return;
  }
  await writeSafely(destination, [output], { overwrite: options.force === true, during: 'the transcription', advice: 'pass --force to replace it or give another --out' });
  if (ctx.json) ctx.stdout.write(`${JSON.stringify({ file_id: source.id, path: destination, ...transcription }, null, 2)}\n`);
  else ctx.stderr.write(`Transcribed ${printable(source.name)} (${transcription.language ?? 'language unknown'}): wrote ${destination}\n`);
}

type Runner = (ctx: CommandContext, positionals: string[], options: Options) => Promise<void>;

/** `upload` with the checks of its purpose first: a file the purpose cannot take is refused before a byte is sent. */
export async function checkedUploadCommand(ctx: CommandContext, positionals: string[], options: Options): Promise<void> {
  if (positionals.length === 1) {
    await checkLocalUpload(ctx, path.resolve(ctx.cwd, positionals[0]), text(options, 'purpose') ?? 'fine-tune', text(options, 'name'));
  }
  return uploadCommand(ctx, positionals, options);
}

export const DOCUMENT_COMMANDS: Record<string, { options: ParseArgsConfig['options']; run: Runner }> = {
  ocr: {
    options: { pages: { type: 'string' }, images: { type: 'boolean' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, model: { type: 'string' } },
    run: ocrCommand,
  },
  transcribe: {
    options: { language: { type: 'string' }, timestamps: { type: 'boolean' }, out: { type: 'string', short: 'o' }, force: { type: 'boolean' }, model: { type: 'string' } },
    run: transcribeCommand,
  },
};
