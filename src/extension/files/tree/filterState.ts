import * as vscode from 'vscode';
import { isFilterActive, type FileFilter } from './filesModel';

/** Normalises a filter coming from the UI or from another extension's command arguments. */
export function normalizeFilter(input: unknown): FileFilter {
  if (typeof input !== 'object' || input === null) return {};
  const raw = input as { search?: unknown; sampleTypes?: unknown; sources?: unknown };
  const strings = (value: unknown): string[] | undefined => {
    const list = (Array.isArray(value) ? value : typeof value === 'string' ? [value] : [])
      .filter((item): item is string => typeof item === 'string')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return list.length > 0 ? [...new Set(list)] : undefined;
  };
  const search = typeof raw.search === 'string' && raw.search.trim() !== '' ? raw.search.trim() : undefined;
  return { search, sampleTypes: strings(raw.sampleTypes), sources: strings(raw.sources) };
}

/** The filter applied to every group's queries; mirrored in the `mistral.filterActive` context key. */
export class FilterState implements vscode.Disposable {
  private current: FileFilter = {};
  private readonly changed = new vscode.EventEmitter<FileFilter>();
  readonly onDidChange = this.changed.event;

  get value(): FileFilter {
    return this.current;
  }

  get active(): boolean {
    return isFilterActive(this.current);
  }

  set(filter: FileFilter): void {
    this.current = normalizeFilter(filter);
    void vscode.commands.executeCommand('setContext', 'mistral.filterActive', this.active);
    this.changed.fire(this.current);
  }

  clear(): void {
    this.set({});
  }

  /** "name contains “train”; sample type: instruct; source: upload" */
  describe(): string {
    const parts: string[] = [];
    if (this.current.search) parts.push(vscode.l10n.t('name contains “{0}”', this.current.search));
    if (this.current.sampleTypes?.length) parts.push(vscode.l10n.t('sample type: {0}', this.current.sampleTypes.join(', ')));
    if (this.current.sources?.length) parts.push(vscode.l10n.t('source: {0}', this.current.sources.join(', ')));
    return parts.join('; ');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
