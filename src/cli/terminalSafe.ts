/**
 * Everything the CLI prints passes through here, so no string from the network (an id, a purpose, an error message,
 * a signed URL, a batch error) can drive the terminal: escape sequences could rewrite the screen, retitle the
 * window, or hide text. Renderers already clean the names they print; this is the guarantee for every other path.
 *
 * C0 controls other than tab and newline become "?"; DEL, C1 controls and bidirectional overrides become the
 * JSON-style escape `\u00XX`, which keeps --json output valid and equal in meaning (such characters can only sit
 * inside JSON strings, where the escape denotes the same character). The one sequence the CLI writes on purpose,
 * "\r ESC[2K" (redraw the progress line), is kept.
 */

const PROGRESS_REDRAW = '\r\x1b[2K';
// eslint-disable-next-line no-control-regex -- control characters are exactly what is being replaced
const C0 = /[\u0000-\u0008\u000b-\u001f]/g;
const ESCAPED = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafeText(text: string): string {
  return text
    .split(PROGRESS_REDRAW)
    .map((part) => part.replace(C0, '?').replace(ESCAPED, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`))
    .join(PROGRESS_REDRAW);
}

/** Whether a chunk needs rewriting at all: most output is plain, and is passed on untouched. */
function needsCleaning(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- see above
  return /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(text);
}

/**
 * The stream itself, seen through a filter on `write`: every other property (isTTY, columns, 'drain' events) is the
 * original's, so callers that wait for back-pressure or check for a terminal behave as before.
 */
export function terminalSafe<T extends NodeJS.WritableStream>(stream: T): T {
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    let value = chunk;
    if (typeof chunk === 'string') {
      if (needsCleaning(chunk)) value = terminalSafeText(chunk);
    } else if (chunk instanceof Uint8Array) {
      const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      if (needsCleaning(text)) value = terminalSafeText(text);
    }
    return (stream.write as (...args: unknown[]) => boolean)(value, ...rest);
  };
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
