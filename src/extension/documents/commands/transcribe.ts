/**
 * `mistral.transcribe`: a recording (local, or already uploaded) becomes a Markdown transcript with timed segments; a
 * selection of several is transcribed in one run.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { outputStem, transcriptMarkdown } from '../../../api/documents/output';
import type { Transcription } from '../../../api/documents/types';
import { writeSafely } from '../../../util/safeOutput';
import type { Deps } from '../../deps';
import { runDocumentJob } from '../documentRun';
import type { ResultDocuments } from '../resultDocuments';

export function registerTranscribe(deps: Deps, results: ResultDocuments): vscode.Disposable {
  return vscode.commands.registerCommand('mistral.transcribe', (...args: unknown[]) => runDocumentJob<Transcription>(deps, args, {
    command: 'mistral.transcribe',
    purpose: 'audio',
    pickTitle: vscode.l10n.t('Transcribe'),
    workspaceFolder: 'mistral-transcripts',
    outputName: (stem) => `${stem}.transcript.md`,
    progressTitle: (name) => vscode.l10n.t('Mistral transcription: "{0}"', name),
    working: vscode.l10n.t('transcribing…'),
    failed: (name) => vscode.l10n.t('Transcription of "{0}" failed', name),
    show: showTranscript,
    several: {
      progressTitle: (count) => vscode.l10n.t('Mistral transcription of {0} files', count),
      saved: (names) => vscode.l10n.t('Saved the transcripts of {0}.', names),
      notTaken: (names) => vscode.l10n.t('Skipped, not a recording: {0}.', names),
    },
    call: (fileId, signal) => deps.client.documents.transcribe(fileId, { timestamps: true, signal }),
    finish: async ({ result, fileId, source, target, replace, open }) => {
      deps.log.info(`Transcription of ${source.name} (${fileId}): ${result.usage.prompt_audio_seconds ?? '?'} s with ${result.model}`);
      const markdown = transcriptMarkdown(result, source.name);
      let uri: vscode.Uri;
      if (target) {
        await fs.mkdir(path.dirname(target.fsPath), { recursive: true });
        await writeSafely(target.fsPath, [markdown], { overwrite: replace, during: 'the transcription', advice: 'run it again to replace it or keep both' });
        uri = target;
      } else {
        uri = results.put(`${fileId}/transcript`, `${outputStem(source.name)}.transcript.md`, markdown);
      }
      if (open) await showTranscript(uri);
      return { fileId, markdown: uri, images: [] };
    },
  }));
}

async function showTranscript(uri: vscode.Uri): Promise<void> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}
