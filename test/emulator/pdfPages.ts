/**
 * Reads a PDF the way the emulated OCR needs it: the page count, each page's size and the text it carries, through
 * pdf.js (pdfjs-dist, a dev dependency of the emulator only). No worker thread: pdf.js parses in-process.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface PdfPage {
  /** In PDF points (1/72 inch), rotation applied. */
  width: number;
  height: number;
  /** The page's text lines in reading order, as pdf.js extracts them. */
  lines: string[];
}

export class UnreadablePdfError extends Error {}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs', { with: { 'resolution-mode': 'import' } });
type PdfDocument = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;
let pdfjs: Promise<PdfJs> | undefined;

/** pdf.js ships as an ES module; a real dynamic import loads it from this CommonJS build. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

export function looksLikePdf(content: Buffer, mimetype: string | null): boolean {
  return mimetype === 'application/pdf' || content.subarray(0, 5).toString('latin1') === '%PDF-';
}

/** The page count alone; rejects with UnreadablePdfError when pdf.js cannot open the document. */
export async function pdfPageCount(content: Buffer): Promise<number> {
  return withDocument(content, async (document) => document.numPages);
}

/**
 * The pages listed in `indices` (0-based), each with its size and text; indices past the end are skipped.
 * Rejects with UnreadablePdfError when pdf.js cannot open the document.
 */
export async function readPdfPages(content: Buffer, indices: readonly number[]): Promise<Map<number, PdfPage>> {
  return withDocument(content, async (document) => {
    const pages = new Map<number, PdfPage>();
    for (const index of indices) {
      if (index >= document.numPages) continue;
      const page = await document.getPage(index + 1);
      const viewport = page.getViewport({ scale: 1 });
      const text = await page.getTextContent();
      const lines: string[] = [];
      let current = '';
      for (const item of text.items) {
        if (!('str' in item)) continue;
        current += item.str;
        if (item.hasEOL) {
          lines.push(current);
          current = '';
        }
      }
      lines.push(current);
      pages.set(index, { width: viewport.width, height: viewport.height, lines: lines.map((line) => line.trim()).filter((line) => line !== '') });
      page.cleanup();
    }
    return pages;
  });
}

async function withDocument<T>(content: Buffer, use: (document: PdfDocument) => Promise<T>): Promise<T> {
  const { getDocument } = await loadPdfJs();
  // pdf.js takes ownership of (and detaches) the array it is given: hand it a copy.
  const task = getDocument({ data: new Uint8Array(content), isEvalSupported: false, disableFontFace: true, useSystemFonts: false, verbosity: 0, standardFontDataUrl: standardFontsDir() });
  let document;
  try {
    document = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    throw new UnreadablePdfError(err instanceof Error ? err.message : String(err));
  }
  try {
    return await use(document);
  } catch (err) {
    throw new UnreadablePdfError(err instanceof Error ? err.message : String(err));
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

/** The standard fonts pdf.js reads widths from when a PDF names a base-14 font without embedding it. */
function standardFontsDir(): string | undefined {
  try {
    const dir = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Width and height of a PNG or JPEG from its header; undefined for other images. */
export function imageSize(content: Buffer): { width: number; height: number } | undefined {
  if (content.length >= 24 && content.readUInt32BE(0) === 0x89504e47 && content.toString('latin1', 12, 16) === 'IHDR') {
    return { width: content.readUInt32BE(16), height: content.readUInt32BE(20) };
  }
  if (content.length >= 4 && content[0] === 0xff && content[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < content.length && content[offset] === 0xff) {
      const marker = content[offset + 1];
      const length = content.readUInt16BE(offset + 2);
      // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: content.readUInt16BE(offset + 5), width: content.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return undefined;
}

let figure: Buffer | undefined;

/** The picture every emulated page "extracts": a small JPEG chart kept in test/fixtures/emulator/. */
export function figureJpeg(): Buffer {
  if (figure) return figure;
  const relative = path.join('test', 'fixtures', 'emulator', 'ocr-figure.jpeg');
  const candidates = [path.resolve(__dirname, '..', '..', '..', relative), path.resolve(__dirname, '..', '..', relative), path.resolve(process.cwd(), relative)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`Cannot find ocr-figure.jpeg (looked in ${candidates.join(', ')})`);
  figure = readFileSync(found);
  return figure;
}
