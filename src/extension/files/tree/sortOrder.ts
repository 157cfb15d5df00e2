/**
 * How a purpose group orders its loaded files. The list endpoint has no order parameter (Mistral's OpenAPI document
 * lists page, page_size, include_total, sample_type, source, search, purpose, mimetypes), so the server's order
 * (newest first) is the only one that holds across pages; the others sort what has been loaded.
 */
import type { MistralFile } from '../../../api/files/types';

export type FileSortOrder = 'date' | 'name' | 'size';
export const FILE_SORT_ORDERS: readonly FileSortOrder[] = ['date', 'name', 'size'];
export const DEFAULT_SORT_ORDER: FileSortOrder = 'date';

export function isFileSortOrder(value: unknown): value is FileSortOrder {
  return typeof value === 'string' && (FILE_SORT_ORDERS as readonly string[]).includes(value);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * A sorted copy: `date` newest first, `name` A→Z with numbers in numeric order (run-2 before run-10), `size` largest
 * first with unknown sizes last. Ties keep the server's order, so equal rows never swap between refreshes.
 */
export function sortFiles(files: readonly MistralFile[], order: FileSortOrder): MistralFile[] {
  const indexed = files.map((file, index) => ({ file, index }));
  const compare = (a: MistralFile, b: MistralFile): number => {
    switch (order) {
      case 'date':
        return (Number.isFinite(b.created_at) ? b.created_at : -Infinity) - (Number.isFinite(a.created_at) ? a.created_at : -Infinity);
      case 'name':
        return collator.compare(a.filename || a.id, b.filename || b.id);
      case 'size':
        return (b.bytes ?? -1) - (a.bytes ?? -1);
    }
  };
  indexed.sort((a, b) => compare(a.file, b.file) || a.index - b.index);
  return indexed.map((entry) => entry.file);
}
