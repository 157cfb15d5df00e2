/** Bytes to text, finding the lines that are not valid UTF-8 (and where) without slowing the valid case. */
import { isUtf8 } from 'node:buffer';

export interface DecodedChunk {
  text: string;
  /** 0-based line index within the chunk -> 1-based UTF-16 column of the first invalid byte. Null when all valid. */
  badUtf8: Map<number, number> | null;
}

/** Byte offset of the first invalid UTF-8 sequence in `bytes`, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) {
      need = 2;
      min = 0xa0;
    } else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
    else if (b === 0xed) {
      need = 2;
      max = 0x9f;
    } else if (b === 0xf0) {
      need = 3;
      min = 0x90;
    } else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else if (b === 0xf4) {
      need = 3;
      max = 0x8f;
    } else return i;
    if (i + need >= n) return i;
    const second = bytes[i + 1];
    if (second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  if (isUtf8(buffer)) return { text, badUtf8: null };
  const badUtf8 = new Map<number, number>();
  let start = 0;
  let lineIndex = 0;
  for (;;) {
    const newline = buffer.indexOf(10, start);
    const end = newline < 0 ? buffer.length : newline;
    const line = buffer.subarray(start, end);
    if (!isUtf8(line)) {
      const offset = Math.max(0, firstInvalidUtf8(line));
      badUtf8.set(lineIndex, line.subarray(0, offset).toString('utf8').length + 1);
    }
    if (newline < 0) break;
    start = newline + 1;
    lineIndex++;
  }
  return { text, badUtf8 };
}
