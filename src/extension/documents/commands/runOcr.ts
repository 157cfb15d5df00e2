/**
 * `mistral.runOcr`: a PDF or image (local, or already uploaded) becomes Markdown with its images, opened beside its
 * preview; a selection of several is read in one run.
 */
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parsePageList } from '../../../api/documents/documentsClient';
import { outputStem, planOcrOutput, selfContainedOcrMarkdown } from '../../../api/documents/output';
import type { OcrResult } from '../../../api/documents/types';
import { writeSafely } from '../../../util/safeOutput';
import { joinInside, splitExtension } from '../../../util/sanitizeFilename';
import type { Deps } from '../../deps';
import { showError } from '../../shared/feedback';
import { openWithPreview, sourceFromArgs, type DocumentOutcome } from '../documentFlow';
import { runDocumentJob } from '../documentRun';
import type { ResultDocuments } from '../resultDocuments';

/** Beyond this many pages a read-only result opens one page at a time, picked from a list. */
export const LONG_DOCUMENT_PAGES = 20;

export function registerRunOcr(deps: Deps, results: ResultDocuments): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.runOcr', async (...args: unknown[]) => {
    const { options } = sourceFromArgs(args);
    let pages: number[] | undefined;
    try {
      pages = options.pages === undefined ? undefined : parsePageList(options.pages);
    } catch (err) {
      void showError(deps.log, err, vscode.l10n.t('OCR not started'));
      return undefined;
    }
    return runDocumentJob<OcrResult>(deps, args, {
      command: 'mistral.runOcr',
      purpose: 'ocr',
      pickTitle: vscode.l10n.t('Run OCR'),
      workspaceFolder: 'mistral-ocr',
      outputName: (stem) => `${stem}.md`,
      progressTitle: (name) => vscode.l10n.t('Mistral OCR: "{0}"', name),
      working: vscode.l10n.t('reading the pages…'),
      failed: (name) => vscode.l10n.t('OCR of "{0}" failed', name),
      show: openWithPreview,
      several: {
        progressTitle: (count) => vscode.l10n.t('Mistral OCR of {0} files', count),
        saved: (names) => vscode.l10n.t('Saved the OCR of {0}.', names),
        notTaken: (names) => vscode.l10n.t('Skipped, not a document or image: {0}.', names),
      },
      call: (fileId, signal) => deps.client.documents.ocr(fileId, { includeImages: true, pages, signal }),
      finish: async ({ result, fileId, source, target, replace, open }) => {
        deps.log.info(`OCR of ${source.name} (${fileId}): ${result.pages.length} pages with ${result.model}`);
        return target ? saveResult(result, fileId, target, { replace, open }, source.name) : viewResult(results, fileId, source.name, result, options.page);
      },
    });
  });
}

/** Images first, the Markdown last: a Markdown file on disk always has its images beside it. No file is replaced unasked. */
async function saveResult(result: OcrResult, fileId: string, target: vscode.Uri, how: { replace: boolean; open: boolean }, sourceName: string): Promise<DocumentOutcome> {
  const folder = path.dirname(target.fsPath);
  const markdownName = path.basename(target.fsPath);
  await fs.mkdir(folder, { recursive: true });
  const plan = planOcrOutput(result, splitExtension(markdownName).stem, (name) => existsSync(path.join(folder, name)));
  const rules = { during: 'OCR', advice: 'run it again to replace it or keep both' };
  const images: vscode.Uri[] = [];
  for (const image of plan.images) {
    const uri = vscode.Uri.file(joinInside(folder, image.fileName));
    await writeSafely(uri.fsPath, [image.bytes], { ...rules, overwrite: false });
    images.push(uri);
  }
  await writeSafely(target.fsPath, [plan.markdown], { ...rules, overwrite: how.replace });
  if (!how.open) return { fileId, markdown: target, images };
  await openWithPreview(target);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the OCR of "{0}" as {1}, its images beside it.', sourceName, markdownName));
  return { fileId, markdown: target, images };
}

/** A read-only document (images inline); a long one is shown a page at a time. */
async function viewResult(results: ResultDocuments, fileId: string, sourceName: string, result: OcrResult, page: number | undefined): Promise<DocumentOutcome> {
  let chosen = page;
  if (chosen === undefined && result.pages.length > LONG_DOCUMENT_PAGES) {
    chosen = await pickPage(result, sourceName);
    if (chosen === -1) return { fileId, images: [], stopped: 'cancelled' };
  }
  const shown = chosen === undefined ? result : { ...result, pages: result.pages.filter((p) => p.index === chosen - 1) };
  const stem = outputStem(sourceName);
  const name = chosen === undefined ? `${stem}.md` : `${stem} (page ${chosen}).md`;
  const uri = results.put(`${fileId}/ocr`, name, selfContainedOcrMarkdown(shown));
  await openWithPreview(uri);
  return { fileId, markdown: uri, images: [] };
}

/** One page (numbered from 1), all pages (undefined), or -1 when dismissed. */
async function pickPage(result: OcrResult, sourceName: string): Promise<number | undefined> {
  interface PageItem extends vscode.QuickPickItem { page: number | undefined }
  const firstLine = (markdown: string): string => markdown.split('\n').map((line) => line.replace(/^#+\s*/, '').trim()).find((line) => line !== '' && !line.startsWith('![')) ?? '';
  const items: PageItem[] = [
    { label: vscode.l10n.t('All {0} pages', result.pages.length), page: undefined },
    ...result.pages.map((p) => ({ label: vscode.l10n.t('Page {0}', p.index + 1), description: firstLine(p.markdown).slice(0, 80), page: p.index + 1 })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('"{0}" has {1} pages', sourceName, result.pages.length), placeHolder: vscode.l10n.t('Open one page, or all of them') });
  return picked ? picked.page : -1;
}
