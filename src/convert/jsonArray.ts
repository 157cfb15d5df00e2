/**
 * The elements of one top-level JSON array, streamed: how many datasets ship (Alpaca's alpaca_data.json, ShareGPT
 * dumps). A byte scanner finds where each element ends (a "," or "]" outside strings at the array's own depth), so
 * only one element is held at a time. UTF-8 continuation bytes are never ASCII, so scanning bytes is safe.
 * Pure: no `vscode` import.
 */

export class JsonArrayError extends Error {}

export interface ArrayElement {
  /** The element's JSON text. */
  text: string;
  /** 1-based line where the element starts. */
  line: number;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

export class JsonArraySplitter {
  private state: 'before' | 'between' | 'element' | 'done' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: Buffer[] = [];
  private line = 1;
  private elementLine = 1;
  private sawBom = false;

  /** Complete elements found in this chunk, in order. */
  push(chunk: Buffer): ArrayElement[] {
    const out: ArrayElement[] = [];
    let start = -1;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.state === 'done') {
        if (!SPACE.has(byte)) throw new JsonArrayError(`Unexpected text after the end of the JSON array (line ${this.line})`);
      } else if (this.state === 'before') {
        if (!this.sawBom && i === 0 && chunk.length >= 3 && byte === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          this.sawBom = true;
          i += 2;
          continue;
        }
        if (byte === 0x5b) this.state = 'between';
        else if (!SPACE.has(byte)) throw new JsonArrayError('The file does not start with "["');
      } else if (this.state === 'between') {
        if (byte === 0x5d) this.state = 'done';
        else if (byte !== 0x2c && !SPACE.has(byte)) {
          this.state = 'element';
          this.elementLine = this.line;
          start = i;
          i--; // scan this byte as part of the element
        }
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === 0x5c) this.escaped = true;
        else if (byte === 0x22) this.inString = false;
      } else if (byte === 0x22) this.inString = true;
      else if (byte === 0x7b || byte === 0x5b) this.depth++;
      else if ((byte === 0x7d || byte === 0x5d) && this.depth > 0) this.depth--;
      else if (this.depth === 0 && (byte === 0x2c || byte === 0x5d)) {
        this.pieces.push(chunk.subarray(start < 0 ? 0 : start, i));
        out.push({ text: Buffer.concat(this.pieces).toString('utf8'), line: this.elementLine });
        this.pieces = [];
        start = -1;
        this.state = byte === 0x5d ? 'done' : 'between';
      }
      if (byte === 0x0a) this.line++;
    }
    if (this.state === 'element') this.pieces.push(Buffer.from(chunk.subarray(start < 0 ? 0 : start)));
    return out;
  }

  /** Throws unless the array was closed. */
  finish(): void {
    if (this.state !== 'done') throw new JsonArrayError(this.state === 'before' ? 'The file is empty' : 'The JSON array is not closed: the file ends inside it');
  }
}
