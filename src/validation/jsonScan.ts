/**
 * A small position-aware JSON scanner. JSON.parse does the fast common case; this runs only
 * when a line failed to parse (to find the column and say why) or when a rule fired (to find
 * the key or value to underline). Everything is iterative: 10,000-deep nesting costs a
 * longer array, never a deeper stack.
 */

export type PathSegment = string | number;

const OBJ = 0;
const ARR = 1;

// What the scanner expects next.
const E_VALUE = 0; // a value (top level, after ':' or after ',' in an array)
const E_VALUE_OR_END = 1; // right after '['
const E_KEY_OR_END = 2; // right after '{'
const E_KEY = 3; // after ',' in an object
const E_COLON = 4;
const E_COMMA_OR_END = 5;
const E_DONE = 6;

/** Scanner state between lines: lets a pretty-printed value be followed across lines. */
export interface ScanState {
  stack: number[];
  expect: number;
}

export interface ScanOutcome {
  /** complete: one whole value; incomplete: the text ended inside a value (no error so far); error: see offset/message. */
  status: 'complete' | 'incomplete' | 'error';
  offset: number;
  endOffset: number;
  message: string;
  state: ScanState;
}

export function initialScanState(): ScanState {
  return { stack: [], expect: E_VALUE };
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function describeChar(text: string, i: number): string {
  const c = text.charCodeAt(i);
  if (c < 32 || c === 127) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === 0xfffd) return 'an invalid byte (shown as \uFFFD)';
  return `'${String.fromCodePoint(text.codePointAt(i) ?? c)}'`;
}

/** Returns the index after the closing quote, or a negative error code (-(index+1)) where the string went wrong. */
function scanString(text: string, start: number, errors: { message: string }): number {
  const n = text.length;
  let j = start + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 92) {
      const e = text.charCodeAt(j + 1);
      if (e === 117) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) {
          errors.message = 'Invalid \\u escape: it needs four hexadecimal digits';
          return -(j + 1);
        }
        j += 6;
        continue;
      }
      // " \ / b f n r t
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        j += 2;
        continue;
      }
      errors.message = j + 1 >= n ? 'Unterminated string' : `Invalid escape '\\${text[j + 1]}' in string`;
      return -(j + 1);
    }
    if (c < 32) {
      errors.message = `Unescaped ${describeChar(text, j)} in string: write it as an escape such as \\n or \\t`;
      return -(j + 1);
    }
    j++;
  }
  errors.message = 'Unterminated string: the closing quote is missing';
  return -(start + 1);
}

function scanNumber(text: string, start: number): number {
  const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  match.lastIndex = start;
  if (!match.exec(text)) return -1;
  const end = match.lastIndex;
  // "01" or "1." are not numbers; the regex stops short of the bad part.
  const next = text.charCodeAt(end);
  if ((next >= 48 && next <= 57) || next === 46 || next === 101 || next === 69) return -1;
  return end;
}

/**
 * Checks JSON syntax from `from` (the state left by the previous line) to the end of `text`.
 * Tokens never span lines in JSON, so a state between lines needs only the container stack and what comes next.
 */
export function scanJson(text: string, from?: ScanState): ScanOutcome {
  // The caller hands over `from` (it is not used again), so the stack is extended in place:
  // copying it per line would make a deep value spread over many lines quadratic.
  const stack = from ? from.stack : [];
  let expect = from ? from.expect : E_VALUE;
  const n = text.length;
  const errorBox = { message: '' };
  const fail = (offset: number, message: string, endOffset = offset + 1): ScanOutcome => ({
    status: 'error',
    offset,
    endOffset: Math.min(Math.max(endOffset, offset + 1), Math.max(n, offset + 1)),
    message,
    state: { stack, expect },
  });
  const afterValue = (): void => {
    expect = stack.length === 0 ? E_DONE : E_COMMA_OR_END;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
      continue;
    }
    switch (expect) {
      case E_DONE:
        return fail(i, `Unexpected ${describeChar(text, i)} after the end of the JSON value: put one record per line`, n);
      case E_COLON:
        if (c !== 58) return fail(i, `Expected ':' after the property name, found ${describeChar(text, i)}`);
        expect = E_VALUE;
        i++;
        continue;
      case E_COMMA_OR_END: {
        const top = stack[stack.length - 1];
        if (c === 44) {
          expect = top === OBJ ? E_KEY : E_VALUE;
          i++;
          continue;
        }
        if ((c === 125 && top === OBJ) || (c === 93 && top === ARR)) {
          stack.pop();
          afterValue();
          i++;
          continue;
        }
        const closer = top === OBJ ? "'}'" : "']'";
        return fail(i, `Expected ',' or ${closer}, found ${describeChar(text, i)}`);
      }
      case E_KEY_OR_END:
      case E_KEY:
        if (c === 125) {
          if (expect === E_KEY) return fail(i, "Trailing comma: remove the ',' before '}'");
          stack.pop();
          afterValue();
          i++;
          continue;
        }
        if (c !== 34) {
          const hint = c === 39 ? ' (JSON needs double quotes)' : '';
          return fail(i, `Expected a property name in double quotes, found ${describeChar(text, i)}${hint}`);
        }
        {
          const end = scanString(text, i, errorBox);
          if (end < 0) return fail(-end - 1, errorBox.message, errorBox.message.startsWith('Unterminated') ? n : -end);
          i = end;
        }
        expect = E_COLON;
        continue;
      default: {
        // E_VALUE or E_VALUE_OR_END
        if (c === 93 && expect === E_VALUE_OR_END) {
          stack.pop();
          afterValue();
          i++;
          continue;
        }
        if (c === 123 || c === 91) {
          stack.push(c === 123 ? OBJ : ARR);
          expect = c === 123 ? E_KEY_OR_END : E_VALUE_OR_END;
          i++;
          continue;
        }
        if (c === 34) {
          const end = scanString(text, i, errorBox);
          if (end < 0) return fail(-end - 1, errorBox.message, errorBox.message.startsWith('Unterminated') ? n : -end);
          i = end;
          afterValue();
          continue;
        }
        if (c === 45 || (c >= 48 && c <= 57)) {
          const end = scanNumber(text, i);
          if (end < 0) return fail(i, 'Invalid number');
          i = end;
          afterValue();
          continue;
        }
        const literal = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : '';
        if (literal !== '') {
          if (text.startsWith(literal, i)) {
            i += literal.length;
            afterValue();
            continue;
          }
          return fail(i, `Invalid literal: expected '${literal}'`, i + literal.length);
        }
        if (c === 93 && stack[stack.length - 1] === ARR) return fail(i, "Trailing comma: remove the ',' before ']'");
        const what = c === 39 ? ' (JSON needs double quotes)' : '';
        return fail(i, `Expected a JSON value, found ${describeChar(text, i)}${what}`);
      }
    }
  }
  if (expect === E_DONE) return { status: 'complete', offset: n, endOffset: n, message: '', state: { stack, expect } };
  return {
    status: 'incomplete',
    offset: n,
    endOffset: n,
    message: stack.length === 0 ? 'The line has no JSON value' : 'The line ends before the JSON value is complete (truncated line?)',
    state: { stack, expect },
  };
}

// ---------------------------------------------------------------------------------------------
// Locating a path inside a line known to be valid JSON.

export interface Located {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** Index after the closing quote of the string opening at `start`, or -1. */
function skipString(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let k = q - 1;
    while (text.charCodeAt(k) === 92) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index after the value starting at `start`, or -1. */
function skipValue(text: string, start: number): number {
  const n = text.length;
  const c = text.charCodeAt(start);
  if (c === 34) return skipString(text, start);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = start;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 34) {
        j = skipString(text, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = start;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || isWhitespace(d)) break;
    j++;
  }
  return j > start ? j : -1;
}

function keyEquals(text: string, start: number, end: number, key: string): boolean {
  const raw = text.slice(start + 1, end - 1);
  if (raw.indexOf('\\') < 0) return raw === key;
  try {
    return JSON.parse(text.slice(start, end)) === key;
  } catch {
    return false;
  }
}

/**
 * Finds members of one line's JSON value by path. Lookups are memoized per path prefix and list
 * elements are found from a cursor, so many diagnostics on one long line (a 100 MB record with a
 * problem in every message) cost about one pass over the line, not one pass per diagnostic.
 */
export class JsonLocator {
  private readonly memo = new Map<string, Located | null>();
  /** List start offset -> the last element found in it (index and start offset). */
  private readonly cursors = new Map<number, { index: number; start: number }>();

  constructor(private readonly text: string) {}

  /** The member at `path` (the last one when a key repeats, as JSON.parse keeps the last); for a list index the key range is the element's. Null when absent. */
  locate(path: readonly PathSegment[]): Located | null {
    let depth = path.length;
    let found: Located | null | undefined;
    for (; depth > 0; depth--) {
      found = this.memo.get(memoKey(path, depth));
      if (found !== undefined) break;
    }
    if (found === null) return null;
    if (depth === 0) {
      found = this.memo.get('');
      if (found === undefined) {
        const start = skipWs(this.text, 0);
        const end = skipValue(this.text, start);
        found = end < 0 ? null : { keyStart: start, keyEnd: end, valueStart: start, valueEnd: end };
        this.memo.set('', found);
      }
    }
    for (; depth < path.length && found; depth++) {
      found = this.child(found as Located, path[depth]);
      this.memo.set(memoKey(path, depth + 1), found);
    }
    return found ?? null;
  }

  private child(parent: Located, segment: PathSegment): Located | null {
    const text = this.text;
    const end = parent.valueEnd;
    let i = skipWs(text, parent.valueStart + 1);
    if (typeof segment === 'string') {
      if (text.charCodeAt(parent.valueStart) !== 123) return null;
      let next: Located | null = null;
      while (i < end && text.charCodeAt(i) === 34) {
        const keyEnd = skipString(text, i);
        if (keyEnd < 0) return null;
        const valueStart = skipWs(text, skipWs(text, keyEnd) + 1);
        const valueEnd = skipValue(text, valueStart);
        if (valueEnd < 0) return null;
        if (keyEquals(text, i, keyEnd, segment)) next = { keyStart: i, keyEnd, valueStart, valueEnd };
        i = skipWs(text, valueEnd);
        if (text.charCodeAt(i) !== 44) break;
        i = skipWs(text, i + 1);
      }
      return next;
    }
    if (text.charCodeAt(parent.valueStart) !== 91) return null;
    let index = 0;
    const cursor = this.cursors.get(parent.valueStart);
    if (cursor && cursor.index <= segment) {
      index = cursor.index;
      i = cursor.start;
    }
    while (i < end && text.charCodeAt(i) !== 93) {
      const valueEnd = skipValue(text, i);
      if (valueEnd < 0) return null;
      if (index === segment) {
        this.cursors.set(parent.valueStart, { index, start: i });
        return { keyStart: i, keyEnd: valueEnd, valueStart: i, valueEnd };
      }
      index++;
      i = skipWs(text, valueEnd);
      if (text.charCodeAt(i) !== 44) break;
      i = skipWs(text, i + 1);
    }
    return null;
  }
}

function memoKey(path: readonly PathSegment[], depth: number): string {
  let key = '';
  for (let k = 0; k < depth; k++) {
    const segment = path[k];
    key += typeof segment === 'number' ? `\u0001${segment}` : `\u0002${segment}`;
  }
  return key;
}

/** One-off lookup; see JsonLocator. */
export function locate(text: string, path: readonly PathSegment[]): Located | null {
  return new JsonLocator(text).locate(path);
}
