/**
 * Everything the project knows per file purpose, in one table: its label and texts, icon, the file extensions and
 * MIME types it takes, its limits, and how its files are validated. A new purpose is one entry here. Pure code (no
 * `vscode` at run time): the extension, the CLI and the upload checks (uploadCheck.ts) read it; texts are localised
 * through the `l10n` object the caller passes (vscode.l10n in the extension, `plainL10n` in the CLI).
 */
import type * as vscode from 'vscode';
import type { FilePurpose } from '../api/files/types';
import type { IntendedPurpose } from '../validation/types';

export type L10n = Pick<typeof vscode.l10n, 't'>;

/** English texts with `{0}` placeholders filled: what the CLI shows, where no translation bundle is loaded. */
export const plainL10n: L10n = {
  t: ((message: string | { message: string; args?: unknown[] }, ...args: unknown[]): string => {
    const text = typeof message === 'string' ? message : message.message;
    const values = typeof message === 'string' ? (args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? args[0] : args) : (message.args ?? []);
    return text.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const value = (values as Record<string, unknown>)[key];
      return value === undefined ? whole : String(value);
    });
  }) as L10n['t'],
};

export interface PurposeInfo {
  label(l10n: L10n): string;
  /** The group's tooltip in the Files view. */
  tooltip(l10n: L10n): string;
  /** One line under the purpose in the upload picker. */
  detail(l10n: L10n): string;
  /** The open dialog's filter name for `extensions`. */
  filterName(l10n: L10n): string;
  /** A codicon id. */
  icon: string;
  /** File extensions (lower case, no dot) this purpose takes, as Mistral documents them. */
  extensions: readonly string[];
  /** MIME types (a trailing `/*` matches a family) Mistral accepts for this purpose. */
  mimeTypes: readonly string[];
  /**
   * Extensions Mistral's docs name for this purpose although its upload check has been seen to refuse such files:
   * uploaded after a warning rather than refused.
   */
  uncertainExtensions?: readonly string[];
  /** The largest file this purpose takes, when below the Files API's 512 MB. */
  maxBytes?: number;
  /** The most pages a document for this purpose may have. */
  maxPages?: number;
  /** JSONL purposes are checked by the validator before upload; the others are sent as they are. */
  validatedAs?: IntendedPurpose;
}

/** In the order the Files view and the upload picker show them. */
export const PURPOSES = {
  'fine-tune': {
    label: (l10n) => l10n.t('Fine-tune'),
    tooltip: (l10n) => l10n.t('Training and validation data for fine-tuning jobs (.jsonl)'),
    detail: (l10n) => l10n.t('Training or validation data for a fine-tuning job (.jsonl)'),
    filterName: (l10n) => l10n.t('JSON Lines'),
    icon: 'mortar-board',
    extensions: ['jsonl'],
    mimeTypes: ['application/jsonl', 'application/x-ndjson', 'application/json'],
    validatedAs: 'fine-tune',
  },
  batch: {
    label: (l10n) => l10n.t('Batch'),
    tooltip: (l10n) => l10n.t('Batch job inputs (.jsonl requests) and the results and errors Mistral writes back'),
    detail: (l10n) => l10n.t('Requests for a batch job (.jsonl of custom_id and body)'),
    filterName: (l10n) => l10n.t('JSON Lines'),
    icon: 'layers',
    extensions: ['jsonl'],
    mimeTypes: ['application/jsonl', 'application/x-ndjson', 'application/json'],
    validatedAs: 'batch',
  },
  ocr: {
    label: (l10n) => l10n.t('OCR'),
    tooltip: (l10n) => l10n.t('Documents and images for OCR'),
    detail: (l10n) => l10n.t('A document or image for OCR'),
    filterName: (l10n) => l10n.t('Documents and images'),
    icon: 'eye',
    extensions: ['pdf', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'tif', 'tiff', 'bmp', 'heic', 'docx', 'pptx'],
    mimeTypes: [
      'application/pdf',
      'image/*',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    // The OCR FAQ lists these too; the upload check's own allow-list does not ([D-ocr] vs client-python#217).
    uncertainExtensions: ['doc', 'ppt', 'txt', 'csv', 'md', 'epub', 'xml', 'rtf', 'odt', 'html', 'htm', 'ipynb', 'tex', 'bib', 'fb2', 'opml'],
    // "Uploaded document files must be 50 MB or less and contain 1,000 pages or fewer."
    maxBytes: 50 * 1024 * 1024,
    maxPages: 1000,
  },
  audio: {
    label: (l10n) => l10n.t('Audio'),
    tooltip: (l10n) => l10n.t('Audio files for transcription'),
    detail: (l10n) => l10n.t('A recording for transcription'),
    filterName: (l10n) => l10n.t('Audio'),
    icon: 'unmute',
    extensions: ['mp3', 'wav', 'm4a', 'ogg', 'oga', 'opus', 'flac', 'aac', 'webm', 'wma'],
    mimeTypes: ['audio/*'],
  },
} as const satisfies Record<string, PurposeInfo>;

export type KnownPurpose = keyof typeof PURPOSES;
export const KNOWN_PURPOSE_ORDER = Object.keys(PURPOSES) as KnownPurpose[];

export function isKnownPurpose(purpose: string): purpose is KnownPurpose {
  return Object.prototype.hasOwnProperty.call(PURPOSES, purpose);
}

export function purposeInfo(purpose: string): PurposeInfo | undefined {
  return isKnownPurpose(purpose) ? PURPOSES[purpose] : undefined;
}

/** The label of a purpose; an unknown purpose shows under its own name. */
export function purposeLabel(purpose: string, l10n: L10n): string {
  return purposeInfo(purpose)?.label(l10n) ?? purpose;
}

export function purposeTooltip(purpose: string, l10n: L10n): string {
  return purposeInfo(purpose)?.tooltip(l10n) ?? l10n.t('Files with purpose "{0}"', purpose);
}

export function purposeIcon(purpose: string): string {
  return purposeInfo(purpose)?.icon ?? 'folder';
}

/** The known purpose whose extensions include this one (`.pdf` → ocr); JSONL purposes are told apart by content. */
export function purposeOfExtension(extension: string): KnownPurpose | undefined {
  const ext = extension.replace(/^\./, '').toLowerCase();
  const matches = KNOWN_PURPOSE_ORDER.filter((purpose) => (PURPOSES[purpose].extensions as readonly string[]).includes(ext));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * A purpose from a command argument: a purpose string, a Files-view group node (`{ kind: 'group', purpose }`) or
 * anything with a `purpose` string. Unknown purposes pass through (the service may have added one).
 */
export function purposeFromArg(value: unknown): FilePurpose | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const purpose = (value as { purpose?: unknown }).purpose;
    if (typeof purpose === 'string' && purpose.trim() !== '') return purpose.trim();
  }
  return undefined;
}
