/** `mistral.runOcr`: a PDF or image (local, or already uploaded) becomes Markdown with its images, opened beside its preview. */
import * as fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isAbortError } from '../../../api/core/errors';
import { parsePageList } from '../../../api/documents/documentsClient';
import { outputStem, planOcrOutput, selfContainedOcrMarkdown } from '../../../api/documents/output';
import type { OcrResult } from '../../../api/documents/types';
import { joinInside, splitExtension } from '../../../util/sanitizeFilename';
import type { Deps } from '../../deps';
import { toUri } from '../../shared/args';
import { showError, withCancellableProgress } from '../../shared/feedback';
import {
  askOutput, checkLocalSource, chooseFolder, openWithPreview, pickLocalSource, resolveRemote, resolveTarget, sourceFromArgs, uploadSource,
  type DocumentOutcome,
} from '../documentFlow';
import type { ResultDocuments } from '../resultDocuments';

/** Beyond this many pages a read-only result opens one page at a time, picked from a list. */
export const LONG_DOCUMENT_PAGES = 20;
const OCR_FOLDER = 'mistral-ocr';

export function registerRunOcr(deps: Deps, results: ResultDocuments): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.runOcr', (...args: unknown[]) => runOcr(deps, results, args));
}

async function runOcr(deps: Deps, results: ResultDocuments, args: unknown[]): Promise<DocumentOutcome | undefined> {
  const parsed = sourceFromArgs(args);
  const options = parsed.options;
  const source = parsed.source ?? (await pickLocalSource('ocr', vscode.l10n.t('Run OCR')));
  if (!source) return undefined;
  const stopped = (why: 'refused' | 'cancelled'): DocumentOutcome => ({ images: [], stopped: why });
  try {
    let pages: number[] | undefined;
    if (options.pages !== undefined) pages = parsePageList(options.pages);
    if (source.kind === 'local' && !(await checkLocalSource(source.uri, 'ocr', options.force === true))) return stopped('refused');
    const resolved = source.kind === 'remote' ? await resolveRemote(deps, source) : source;
    // Where the result goes is settled before the call: OCR is billed per page.
    const output = options.output ?? (resolved.kind === 'local' ? 'save' : await askOutput(resolved.name));
    if (!output) return stopped('cancelled');
    let folder: vscode.Uri | undefined;
    let markdownName: string | undefined;
    if (output === 'save') {
      folder = options.folder !== undefined ? toUri(options.folder) : await chooseFolder(resolved, OCR_FOLDER);
      if (!folder) return stopped('cancelled');
      markdownName = await resolveTarget(folder, `${outputStem(resolved.name)}.md`, options.ifExists);
      if (!markdownName) return stopped('cancelled');
    }
    const current = resolved;
    const { fileId, result } = await withCancellableProgress({ title: vscode.l10n.t('Mistral OCR: "{0}"', current.name) }, async (signal, progress) => {
      const id = current.kind === 'local' ? (await uploadSource(deps, current.uri, 'ocr', signal, progress)).id : current.file.id;
      progress.report({ message: vscode.l10n.t('reading the pages…') });
      return { fileId: id, result: await deps.client.documents.ocr(id, { includeImages: true, pages, signal }) };
    });
    deps.log.info(`OCR of ${current.name} (${fileId}): ${result.pages.length} pages with ${result.model}`);
    if (output === 'view' || !folder || !markdownName) return await viewResult(results, fileId, current.name, result, options.page);
    return await saveResult(result, fileId, folder, markdownName, current.name);
  } catch (err) {
    if (isAbortError(err)) return stopped('cancelled');
    const retrySource = source;
    void showError(deps.log, err, vscode.l10n.t('OCR of "{0}" failed', source.name), {
      retry: () => vscode.commands.executeCommand('mistral.runOcr', { ...options, ...(retrySource.kind === 'local' ? { uri: retrySource.uri } : { file: retrySource.file }) }),
    });
    return undefined;
  }
}

/** Images first, the Markdown last: a Markdown file on disk always has its images beside it. No file is replaced unasked. */
async function saveResult(result: OcrResult, fileId: string, folder: vscode.Uri, markdownName: string, sourceName: string): Promise<DocumentOutcome> {
  await fs.mkdir(folder.fsPath, { recursive: true });
  const plan = planOcrOutput(result, splitExtension(markdownName).stem, (name) => existsSync(path.join(folder.fsPath, name)));
  const images: vscode.Uri[] = [];
  for (const image of plan.images) {
    const uri = vscode.Uri.file(joinInside(folder.fsPath, image.fileName));
    await vscode.workspace.fs.writeFile(uri, image.bytes);
    images.push(uri);
  }
  const markdown = vscode.Uri.file(joinInside(folder.fsPath, markdownName));
  await vscode.workspace.fs.writeFile(markdown, Buffer.from(plan.markdown, 'utf8'));
  await openWithPreview(markdown);
  void vscode.window.showInformationMessage(vscode.l10n.t('Saved the OCR of "{0}" as {1}, its images beside it.', sourceName, markdownName));
  return { fileId, markdown, images };
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
