import * as vscode from 'vscode';
import { DEFAULT_SORT_ORDER, isFileSortOrder, type FileSortOrder } from './sortOrder';

const STATE_KEY = 'mistral.files.sortOrder';

interface Stored {
  /** The order set from the view title, for every group without its own. */
  all?: FileSortOrder;
  groups?: Record<string, FileSortOrder>;
}

/**
 * The sort order of each purpose group, remembered per workspace (one project sorts its fine-tune data by name,
 * another by date). Setting an order for every group forgets the per-group choices, as the user asked for one order.
 */
export class SortState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the purpose whose order changed, or undefined for all of them. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly memento: vscode.Memento | undefined) {}

  private read(): Stored {
    const raw = this.memento?.get<unknown>(STATE_KEY);
    if (typeof raw !== 'object' || raw === null) return {};
    const value = raw as { all?: unknown; groups?: unknown };
    const groups: Record<string, FileSortOrder> = {};
    if (typeof value.groups === 'object' && value.groups !== null) {
      for (const [purpose, order] of Object.entries(value.groups)) if (isFileSortOrder(order)) groups[purpose] = order;
    }
    return { all: isFileSortOrder(value.all) ? value.all : undefined, groups };
  }

  get(purpose: string): FileSortOrder {
    const stored = this.read();
    return stored.groups?.[purpose] ?? stored.all ?? DEFAULT_SORT_ORDER;
  }

  async set(order: FileSortOrder, purpose?: string): Promise<void> {
    const stored = this.read();
    const next: Stored = purpose === undefined ? { all: order } : { all: stored.all, groups: { ...stored.groups, [purpose]: order } };
    await this.memento?.update(STATE_KEY, next);
    this.changed.fire(purpose);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
