/**
 * Two jobs run on the same requests (two models, two prompts), side by side by custom_id: every request of the first
 * job in its order, then requests only the second job has. Built on two ResultsTables, so it costs two indexes.
 */
import type { JoinStatus } from './join';
import type { ResultRow, ResultsTable } from './resultsTable';

export interface ComparedSide {
  status: JoinStatus | 'absent';
  status_code: number | null;
  response: string;
  tokens: number | null;
  error: string | null;
}

export interface ComparedRow {
  /** 0-based position in the comparison. */
  index: number;
  custom_id: string | null;
  request: string;
  a: ComparedSide;
  b: ComparedSide;
  /** Same status and the same response summary on both sides. */
  same: boolean;
}

export type CompareFilter = 'all' | 'different' | 'statusChanged';

export interface CompareQuery {
  text?: string;
  show?: CompareFilter;
}

export interface CompareStats {
  rows: number;
  same: number;
  different: number;
  statusChanged: number;
  onlyA: number;
  onlyB: number;
}

const ABSENT: ComparedSide = { status: 'absent', status_code: null, response: '', tokens: null, error: null };

function side(row: ResultRow | undefined): ComparedSide {
  return row ? { status: row.status, status_code: row.status_code, response: row.response, tokens: row.tokens, error: row.error } : ABSENT;
}

export class ResultsComparison {
  /** Row index in A and in B for each compared row (-1: that job has no such request). */
  private readonly pairs: Array<[number, number]> = [];
  readonly stats: CompareStats = { rows: 0, same: 0, different: 0, statusChanged: 0, onlyA: 0, onlyB: 0 };

  constructor(private readonly a: ResultsTable, private readonly b: ResultsTable) {
    // custom_ids may repeat: the n-th occurrence in A pairs with the n-th in B.
    const inB = new Map<string, number[]>();
    for (let index = 0; index < b.rowCount; index++) {
      const id = b.row(index).custom_id ?? '';
      const list = inB.get(id);
      if (list) list.push(index);
      else inB.set(id, [index]);
    }
    const claimed = new Uint8Array(b.rowCount);
    for (let index = 0; index < a.rowCount; index++) {
      const match = inB.get(a.row(index).custom_id ?? '')?.shift() ?? -1;
      if (match !== -1) claimed[match] = 1;
      this.pairs.push([index, match]);
    }
    for (let index = 0; index < b.rowCount; index++) if (!claimed[index]) this.pairs.push([-1, index]);
    for (let index = 0; index < this.pairs.length; index++) {
      const row = this.row(index);
      this.stats.rows++;
      if (row.a.status === 'absent') this.stats.onlyB++;
      else if (row.b.status === 'absent') this.stats.onlyA++;
      if (row.same) this.stats.same++;
      else this.stats.different++;
      if (row.a.status !== row.b.status) this.stats.statusChanged++;
    }
  }

  get rowCount(): number {
    return this.pairs.length;
  }

  row(index: number): ComparedRow {
    const [ia, ib] = this.pairs[index];
    const rowA = ia === -1 ? undefined : this.a.row(ia);
    const rowB = ib === -1 ? undefined : this.b.row(ib);
    const a = side(rowA);
    const b = side(rowB);
    return {
      index,
      custom_id: (rowA ?? rowB)?.custom_id ?? null,
      request: rowA?.request || rowB?.request || '',
      a,
      b,
      same: a.status === b.status && a.response === b.response,
    };
  }

  /** The row's index in each job's table (for its details), -1 where that job has no such request. */
  sides(index: number): [number, number] {
    return this.pairs[index];
  }

  query(query: CompareQuery = {}): Int32Array {
    const needle = query.text?.trim().toLowerCase() ?? '';
    const show = query.show ?? 'all';
    const out: number[] = [];
    for (let index = 0; index < this.pairs.length; index++) {
      if (show === 'all' && needle === '') {
        out.push(index);
        continue;
      }
      const row = this.row(index);
      if (show === 'different' && row.same) continue;
      if (show === 'statusChanged' && row.a.status === row.b.status) continue;
      if (needle !== '') {
        const text = [row.custom_id ?? '', row.request, row.a.response, row.b.response, row.a.error ?? '', row.b.error ?? ''].join('\n').toLowerCase();
        if (!text.includes(needle)) continue;
      }
      out.push(index);
    }
    return Int32Array.from(out);
  }
}
