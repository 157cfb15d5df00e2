/** `mistral.transcribe`: a recording (local, or already uploaded) becomes a Markdown transcript with timed segments. */
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { isAbortError } from '../../../api/core/errors';
import { outputStem, transcriptMarkdown } from '../../../api/documents/output';
import { joinInside } from '../../../util/sanitizeFilename';
import type { Deps } from '../../deps';
import { toUri } from '../../shared/args';
import { showError, withCancellableProgress } from '../../shared/feedback';
import {
  askOutput, checkLocalSource, chooseFolder, pickLocalSource, resolveRemote, resolveTarget, sourceFromArgs, uploadSource, type DocumentOutcome,
} from '../documentFlow';
import type { ResultDocuments } from '../resultDocuments';

const TRANSCRIPT_FOLDER = 'mistral-transcripts';

export function registerTranscribe(deps: Deps, results: ResultDocuments): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.transcribe', (...args: unknown[]) => transcribe(deps, results, args));
}

async function transcribe(deps: Deps, results: ResultDocuments, args: unknown[]): Promise<DocumentOutcome | undefined> {
  const parsed = sourceFromArgs(args);
  const options = parsed.options;
  const source = parsed.source ?? (await pickLocalSource('audio', vscode.l10n.t('Transcribe')));
  if (!source) return undefined;
  const stopped = (why: 'refused' | 'cancelled'): DocumentOutcome => ({ images: [], stopped: why });
  try {
    if (source.kind === 'local' && !(await checkLocalSource(source.uri, 'audio', options.force === true))) return stopped('refused');
    const resolved = source.kind === 'remote' ? await resolveRemote(deps, source) : source;
    const output = options.output ?? (resolved.kind === 'local' ? 'save' : await askOutput(resolved.name));
    if (!output) return stopped('cancelled');
    const fileName = `${outputStem(resolved.name)}.transcript.md`;
    let target: vscode.Uri | undefined;
    if (output === 'save') {
      const folder = options.folder !== undefined ? toUri(options.folder) : await chooseFolder(resolved, TRANSCRIPT_FOLDER);
      if (!folder) return stopped('cancelled');
      const name = await resolveTarget(folder, fileName, options.ifExists);
      if (!name) return stopped('cancelled');
      target = vscode.Uri.file(joinInside(folder.fsPath, name));
    }
    const current = resolved;
    const { fileId, transcription } = await withCancellableProgress({ title: vscode.l10n.t('Mistral transcription: "{0}"', current.name) }, async (signal, progress) => {
      const id = current.kind === 'local' ? (await uploadSource(deps, current.uri, 'audio', signal, progress)).id : current.file.id;
      progress.report({ message: vscode.l10n.t('transcribing…') });
      return { fileId: id, transcription: await deps.client.documents.transcribe(id, { timestamps: true, signal }) };
    });
    deps.log.info(`Transcription of ${current.name} (${fileId}): ${transcription.usage.prompt_audio_seconds ?? '?'} s with ${transcription.model}`);
    const markdown = transcriptMarkdown(transcription, current.name);
    let uri: vscode.Uri;
    if (target) {
      await fs.mkdir(vscode.Uri.joinPath(target, '..').fsPath, { recursive: true });
      await vscode.workspace.fs.writeFile(target, Buffer.from(markdown, 'utf8'));
      uri = target;
    } else {
      uri = results.put(`${fileId}/transcript`, fileName, markdown);
    }
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    return { fileId, markdown: uri, images: [] };
  } catch (err) {
    if (isAbortError(err)) return stopped('cancelled');
    const retrySource = source;
    void showError(deps.log, err, vscode.l10n.t('Transcription of "{0}" failed', source.name), {
      retry: () => vscode.commands.executeCommand('mistral.transcribe', { ...options, ...(retrySource.kind === 'local' ? { uri: retrySource.uri } : { file: retrySource.file }) }),
    });
    return undefined;
  }
}
