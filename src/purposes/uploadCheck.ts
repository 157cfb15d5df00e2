/**
 * Checks a local file against what its purpose takes, before any byte is sent: the type (extensions and MIME types of
 * the purposes table), the purpose's size limit and, for OCR, the page limit of a PDF. Pure (node only), shared by the
 * CLI and the extension. Unknown types are let through with a warning: the service is the judge of those.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatMegabytes } from '../util/format';
import { purposeInfo, purposeLabel, type L10n, type PurposeInfo } from './purposes';

export interface UploadProblem {
  /** 'refuse': the service would reject it, so it is not sent. 'warn': it may be rejected; sent after saying so. */
  level: 'refuse' | 'warn';
  message: string;
}

/**
 * What common extensions are, so a file that is clearly something else (a .zip for OCR) is refused while one the
 * project cannot place (.bin) is only warned about. Extensions a purpose lists are accepted whatever this says.
 */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jsonl: 'application/jsonl', ndjson: 'application/x-ndjson', json: 'application/json', txt: 'text/plain', md: 'text/markdown',
  csv: 'text/csv', tsv: 'text/tab-separated-values', html: 'text/html', htm: 'text/html', xml: 'application/xml',
  pdf: 'application/pdf', doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet', epub: 'application/epub+zip',
  rtf: 'application/rtf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp',
  avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff', bmp: 'image/bmp', heic: 'image/heic', heif: 'image/heif', svg: 'image/svg+xml',
  mp3: 'audio/mpeg', wav: 'audio/wav', m4a: 'audio/mp4', ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/opus', flac: 'audio/flac',
  aac: 'audio/aac', wma: 'audio/x-ms-wma', mp4: 'video/mp4', mov: 'video/quicktime', mkv: 'video/x-matroska', avi: 'video/x-msvideo',
  zip: 'application/zip', gz: 'application/gzip', tar: 'application/x-tar', '7z': 'application/x-7z-compressed', rar: 'application/vnd.rar',
  exe: 'application/vnd.microsoft.portable-executable', dmg: 'application/x-apple-diskimage', iso: 'application/x-iso9660-image',
  js: 'text/javascript', ts: 'text/x-typescript', py: 'text/x-python', parquet: 'application/vnd.apache.parquet',
};

export function extensionOf(fileName: string): string {
  return path.extname(fileName).replace(/^\./, '').toLowerCase();
}

function mimeMatches(mimeType: string, accepted: readonly string[]): boolean {
  return accepted.some((pattern) => (pattern.endsWith('/*') ? mimeType.startsWith(pattern.slice(0, -1)) : mimeType === pattern));
}

/** "PDF, PNG, JPG, … files": what the purpose takes, in the words of its extensions. */
export function acceptedTypes(info: PurposeInfo): string {
  return info.extensions.map((ext) => ext.toUpperCase()).join(', ');
}

/** The type check alone (no I/O): undefined when the file's extension is one the purpose takes. */
export function checkFileType(fileName: string, purpose: string, l10n: L10n): UploadProblem | undefined {
  const info = purposeInfo(purpose);
  if (!info) return undefined;
  const name = path.basename(fileName);
  const ext = extensionOf(name);
  const label = purposeLabel(purpose, l10n);
  if ((info.extensions as readonly string[]).includes(ext)) return undefined;
  const mimeType = MIME_BY_EXTENSION[ext];
  if (mimeType && mimeMatches(mimeType, info.mimeTypes)) return undefined;
  if (info.uncertainExtensions?.includes(ext)) {
    return {
      level: 'warn',
      message: l10n.t('"{0}": Mistral\'s docs list .{1} files for {2}, but its upload check has refused them; the types it takes for sure are {3}.', name, ext, label, acceptedTypes(info)),
    };
  }
  if (mimeType) {
    return { level: 'refuse', message: l10n.t('"{0}" cannot be uploaded for {1}: {1} takes {2} files.', name, label, acceptedTypes(info)) };
  }
  return {
    level: 'warn',
    message: ext
      ? l10n.t('"{0}": .{1} is not a type Mistral lists for {2} ({3}); it may be refused.', name, ext, label, acceptedTypes(info))
      : l10n.t('"{0}" has no extension; {1} takes {2} files, and Mistral may refuse it.', name, label, acceptedTypes(info)),
  };
}

/** The size check alone: the purpose's own limit (OCR's 50 MB). */
export function checkFileSize(fileName: string, size: number, purpose: string, l10n: L10n): UploadProblem | undefined {
  const info = purposeInfo(purpose);
  if (info?.maxBytes === undefined || size <= info.maxBytes) return undefined;
  return {
    level: 'refuse',
    message: l10n.t('"{0}" is {1}; {2} takes files of {3} or less.', path.basename(fileName), formatMegabytes(size), purposeLabel(purpose, l10n), formatMegabytes(info.maxBytes)),
  };
}

/**
 * Every check for one local file, in order (type, size, pages); the page count is read only from PDFs whose type and
 * size passed. Resolves with the problems found, an empty list when the file fits its purpose.
 */
export async function checkUpload(localPath: string, size: number, purpose: string, l10n: L10n, remoteName = path.basename(localPath)): Promise<UploadProblem[]> {
  const problems: UploadProblem[] = [];
  // The service judges the type by the name it receives.
  const type = checkFileType(remoteName, purpose, l10n);
  if (type) problems.push(type);
  const tooLarge = checkFileSize(remoteName, size, purpose, l10n);
  if (tooLarge) problems.push(tooLarge);
  const maxPages = purposeInfo(purpose)?.maxPages;
  if (maxPages !== undefined && problems.every((problem) => problem.level !== 'refuse') && extensionOf(remoteName) === 'pdf') {
    const pages = await pdfPageCount(localPath);
    if (pages !== undefined && pages > maxPages) {
      problems.push({
        level: 'refuse',
        message: l10n.t('"{0}" has {1} pages; {2} takes documents of {3} pages or fewer.', remoteName, pages.toLocaleString('en-US'), purposeLabel(purpose, l10n), maxPages.toLocaleString('en-US')),
      });
    }
  }
  return problems;
}

const PAGES_NODE = /<<(?:[^<>]|<<[^<>]*>>)*?\/Type\s*\/Pages\b(?:[^<>]|<<[^<>]*>>)*?>>/g;
const COUNT = /\/Count\s+(\d+)/;
const CHUNK_BYTES = 1024 * 1024;
const OVERLAP_BYTES = 4096;

/**
 * The page count a PDF's page tree declares: the largest `/Count` of its `/Type /Pages` nodes (the root's counts every
 * page). Undefined when none can be read: a PDF whose objects are compressed into object streams hides its page
 * tree, and the service is then the one to count. Reads the file in chunks; nothing is kept but the count.
 */
export async function pdfPageCount(localPath: string): Promise<number | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(localPath, 'r');
    let best: number | undefined;
    let carry = '';
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const text = carry + buffer.toString('latin1', 0, bytesRead);
      for (const node of text.matchAll(PAGES_NODE)) {
        const count = COUNT.exec(node[0]);
        if (count) best = Math.max(best ?? 0, Number(count[1]));
      }
      carry = text.slice(-OVERLAP_BYTES);
    }
    return best;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
