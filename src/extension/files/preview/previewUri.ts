import * as vscode from 'vscode';
import type { MistralFile } from '../../../api/files/types';

/** The read-only file system that serves Mistral file contents to editors. */
export const PREVIEW_SCHEME = 'mistral-file';

/**
 * A file name safe as the last path segment: no separators, no control characters, never empty or a dot name.
 * The name is only for the tab title and language detection; the id alone selects the content.
 */
export function previewFileName(filename: string, fileId: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = filename.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? fileId : cleaned;
}

/** `mistral-file:/<fileId>/<filename>`: the language follows the name; images open in VS Code's image preview. */
export function previewUri(file: Pick<MistralFile, 'id' | 'filename'>): vscode.Uri {
  return vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${encodeSegmentSafe(file.id)}/${previewFileName(file.filename, file.id)}` });
}

function encodeSegmentSafe(id: string): string {
  return id.replace(/[/\\]/g, '_');
}

/** The file id in a preview URI, or undefined when the path is not `/<id>/<name>`. */
export function fileIdOfPreviewUri(uri: vscode.Uri): string | undefined {
  if (uri.scheme !== PREVIEW_SCHEME) return undefined;
  const segments = uri.path.split('/').filter((segment) => segment !== '');
  return segments.length === 2 ? segments[0] : undefined;
}
