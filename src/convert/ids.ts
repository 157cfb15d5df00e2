/**
 * Tool-call ids as Mistral wants them: exactly 9 characters of [A-Za-z0-9] (mistral-common's validator and the
 * fine-tuning docs, https://docs.mistral.ai/capabilities/finetuning/). OpenAI's `call_8f2KQd1rWmZt` is remapped, the
 * same way in the call and in the tool result that answers it. Ids derive from a hash of the original, so converting
 * the same file twice gives the same output. Pure: no `vscode` import.
 */
import { createHash } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const MISTRAL_ID = /^[A-Za-z0-9]{9}$/;

function hashId(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let id = '';
  for (let i = 0; i < 9; i++) id += ALPHABET[digest[i] % ALPHABET.length];
  return id;
}

/** One conversation's ids: the original id → the Mistral id, unique within the conversation. */
export class ToolCallIds {
  private readonly byOriginal = new Map<string, string>();
  private readonly used = new Set<string>();
  private generated = 0;

  /** The Mistral id for a call's id; `undefined` (no id) gets a fresh one. `remapped` says the id changed. */
  forCall(original: unknown): { id: string; remapped: boolean; added: boolean } {
    if (typeof original !== 'string' || original === '') {
      return { id: this.fresh(`generated:${this.generated++}`), remapped: false, added: true };
    }
    const known = this.byOriginal.get(original);
    if (known !== undefined) return { id: known, remapped: known !== original, added: false };
    const id = MISTRAL_ID.test(original) && !this.used.has(original) ? original : this.fresh(original);
    this.used.add(id);
    this.byOriginal.set(original, id);
    return { id, remapped: id !== original, added: false };
  }

  /** The Mistral id of an earlier call, if there was one with this original id. */
  lookup(original: unknown): string | undefined {
    return typeof original === 'string' ? this.byOriginal.get(original) : undefined;
  }

  private fresh(seed: string): string {
    let id = hashId(seed);
    for (let n = 1; this.used.has(id) || this.byOriginal.has(id); n++) id = hashId(`${seed}#${n}`);
    this.used.add(id);
    return id;
  }
}
