/**
 * What a user pasted into Go to File…: a file id, a URL that contains one (a signed URL, whose blob path carries the
 * id, or a `mistral-file:` preview URI), or else text to search file names with.
 * File ids are UUIDs (Mistral's OpenAPI document, `mistralai/platform-docs-public`: `file_id` has `format: uuid`).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_IN_SEGMENT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export type FileReference = { kind: 'id'; id: string } | { kind: 'search'; text: string } | { kind: 'empty' };

export function isFileId(text: string): boolean {
  return UUID.test(text);
}

/** The id in a URL's path: the last segment that is (or, like `<id>.jsonl`, starts with) a UUID. */
function idInUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  for (let i = segments.length - 1; i >= 0; i--) {
    const match = UUID_IN_SEGMENT.exec(segments[i]);
    if (match && segments[i].startsWith(match[0])) return match[0].toLowerCase();
  }
  return undefined;
}

export function parseFileReference(input: string): FileReference {
  // Pasted text often carries quotes or a trailing line break from a terminal or a JSON answer.
  const text = input.trim().replace(/^["'`<]+|["'`>,]+$/g, '');
  if (text === '') return { kind: 'empty' };
  if (isFileId(text)) return { kind: 'id', id: text.toLowerCase() };
  if (/^[a-z][a-z0-9+.-]*:/i.test(text)) {
    const id = idInUrl(text);
    if (id) return { kind: 'id', id };
  }
  return { kind: 'search', text: input.trim() };
}
