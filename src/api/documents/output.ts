/**
 * What an OCR or transcription answer becomes on disk or in an editor: one Markdown text (pages joined with page
 * markers) and the extracted images as files beside it, or a transcript. Pure (node only): the CLI and the extension
 * write what these functions plan, each with its own way of asking before replacing a file.
 */
import { sanitizeFilename, splitExtension, uniqueFilename } from '../../util/sanitizeFilename';
import type { OcrImage, OcrResult, Transcription } from './types';

export interface ExtractedImage {
  /** The image's id in the answer (`img-0.jpeg`). */
  id: string;
  /** The file name it is saved under: `<stem>-<id>`, sanitised, its extension matching the bytes' type. */
  fileName: string;
  bytes: Buffer;
}

export interface OcrOutput {
  /** `<stem>.md` */
  markdownName: string;
  markdown: string;
  images: ExtractedImage[];
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpeg', 'image/jpg': '.jpeg', 'image/png': '.png', 'image/gif': '.gif', 'image/webp': '.webp', 'image/avif': '.avif', 'image/bmp': '.bmp', 'image/tiff': '.tiff' };

/** The bytes and type of a `data:<type>;base64,…` URI; undefined for anything else. */
export function decodeDataUri(uri: string): { mimeType: string; bytes: Buffer } | undefined {
  const match = /^data:([\w.+-]+\/[\w.+-]+)(?:;[^,;]*)*;base64,/i.exec(uri);
  if (!match) return undefined;
  return { mimeType: match[1].toLowerCase(), bytes: Buffer.from(uri.slice(match[0].length), 'base64') };
}

/** The stem outputs are named after: "scan.final.pdf" → "scan.final". */
export function outputStem(sourceName: string): string {
  const base = sanitizeFilename(sourceName, 'document');
  return splitExtension(base).stem || base;
}

/**
 * Markdown link destinations in angle brackets take spaces and parentheses as they are (CommonMark); only `<`, `>` and
 * line breaks need escaping there.
 */
function destination(target: string): string {
  return /[\s()<>]/.test(target) ? `<${target.replace(/[<>\r\n]/g, (c) => encodeURIComponent(c))}>` : target;
}

/**
 * The pages as one Markdown text: a page marker comment before each page and a rule between pages. Each image
 * placeholder `![id](id)` points where `link(image)` says (a saved file's name, a data URI); one that `link` leaves
 * undefined, or that has no image in the answer, stays as the service wrote it.
 */
export function ocrMarkdown(result: OcrResult, link: (image: OcrImage) => string | undefined): string {
  const total = result.pages.length;
  return result.pages.map((page, position) => {
    let markdown = page.markdown;
    for (const image of page.images) {
      const target = link(image);
      if (target === undefined) continue;
      const escaped = image.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      markdown = markdown.replace(new RegExp(`(!\\[[^\\]]*\\])\\(${escaped}\\)`, 'g'), (_match, alt: string) => `${alt}(${destination(target)})`);
    }
    const marker = `<!-- page ${page.index + 1}${total > 1 ? ` (${position + 1} of ${total})` : ''} -->`;
    return `${marker}\n\n${markdown.trim()}\n`;
  }).join('\n---\n\n');
}

/**
 * Markdown file and image files for an answer, named after `stem`; images only when the answer carries their bytes.
 * An image name `isTaken` rejects (a file already there) becomes `<name> (1).jpeg`, so images never replace a file.
 */
export function planOcrOutput(result: OcrResult, stem: string, isTaken: (fileName: string) => boolean = () => false): OcrOutput {
  const images: ExtractedImage[] = [];
  const names = new Map<string, string>();
  for (const page of result.pages) {
    for (const image of page.images) {
      const decoded = image.image_base64 ? decodeDataUri(image.image_base64) : undefined;
      if (!decoded || names.has(image.id)) continue;
      const { stem: idStem, ext } = splitExtension(image.id);
      const extension = EXTENSIONS[decoded.mimeType] ?? (ext || '.bin');
      const chosen = new Set(names.values());
      const fileName = uniqueFilename(sanitizeFilename(`${stem}-${idStem}${extension}`, `${stem}-image${extension}`), (name) => chosen.has(name) || isTaken(name));
      names.set(image.id, fileName);
      images.push({ id: image.id, fileName, bytes: decoded.bytes });
    }
  }
  return { markdownName: `${stem}.md`, markdown: ocrMarkdown(result, (image) => names.get(image.id)), images };
}

/** The answer as Markdown with every image inline (data URIs): nothing to save beside it, for a read-only view. */
export function selfContainedOcrMarkdown(result: OcrResult): string {
  return ocrMarkdown(result, (image) => (image.image_base64 && decodeDataUri(image.image_base64) ? image.image_base64 : undefined));
}

/** 75.4 → "01:15.4"; an hour or more → "1:02:03.0". */
export function formatSeconds(seconds: number): string {
  const tenths = Math.round(Math.max(0, seconds) * 10);
  const hours = Math.floor(tenths / 36000);
  const minutes = Math.floor((tenths % 36000) / 600);
  const rest = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${String(minutes).padStart(2, '0')}:${rest}`;
}

/** Plain text: the transcript, or one `[start → end] text` line per segment when it has segments. */
export function transcriptText(transcription: Transcription): string {
  if (transcription.segments.length === 0) return `${transcription.text.trim()}\n`;
  return transcription.segments
    .map((segment) => `[${formatSeconds(segment.start)} → ${formatSeconds(segment.end)}]${segment.speaker_id ? ` ${segment.speaker_id}:` : ''} ${segment.text.trim()}`)
    .join('\n') + '\n';
}

/** Markdown for an editor: a title, the language and length, then the text or the timed segments. */
export function transcriptMarkdown(transcription: Transcription, title: string): string {
  const facts = [
    transcription.language ? `language: ${transcription.language}` : undefined,
    transcription.usage.prompt_audio_seconds !== null ? `length: ${formatSeconds(transcription.usage.prompt_audio_seconds)}` : undefined,
    transcription.model ? `model: ${transcription.model}` : undefined,
  ].filter((fact): fact is string => fact !== undefined);
  const body = transcription.segments.length === 0
    ? transcription.text.trim()
    : transcription.segments.map((segment) => `- **${formatSeconds(segment.start)} → ${formatSeconds(segment.end)}**${segment.speaker_id ? ` (${segment.speaker_id})` : ''} ${segment.text.trim()}`).join('\n');
  return `# ${title}\n\n${facts.length > 0 ? `*${facts.join(' · ')}*\n\n` : ''}${body}\n`;
}
