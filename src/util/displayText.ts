/**
 * Strings from the network (file names, models, error messages) shown in the editor's own UI: control characters
 * could break a row or a message into pieces, and bidirectional overrides could make "exe.txt" read as "txt.exe".
 * They are shown as visible escapes instead (`\u202e`), so the name stays recognisable and nothing is hidden.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is being replaced
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- see above
const HIDDEN_IN_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** For messages: line breaks and tabs stay, every other control or bidi character is shown escaped. */
export function displayText(text: string): string {
  return text.replace(HIDDEN, escape);
}

/** For one-line labels (tree rows, picker items): line breaks are escaped too. */
export function displayLabel(text: string): string {
  return text.replace(HIDDEN_IN_LINE, escape);
}
