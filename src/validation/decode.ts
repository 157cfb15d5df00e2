/** Where a line stops being valid UTF-8, in the UTF-16 columns editors count. */

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

/** 1-based UTF-16 column of the first invalid byte of a line, or undefined when the line is valid UTF-8. */
export function invalidUtf8Column(line: Uint8Array): number | undefined {
  const offset = firstInvalidUtf8(line);
  if (offset < 0) return undefined;
  return Buffer.from(line.buffer, line.byteOffset, offset).toString('utf8').length + 1;
}
