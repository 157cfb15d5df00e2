/**
 * Message content: a string or a list of chunks. Which chunk types each role may use, and the keys
 * of each chunk, follow mistral-common's chunk models (protocol/instruct/messages.py and chunks),
 * whose base model forbids extra keys: github.com/mistralai/mistral-common.
 */
import type { PathSegment } from './jsonScan';
import { describeValue, hasKey, isPlainObject, type RecordReporter } from './report';

type ChunkType = 'text' | 'image_url' | 'image' | 'input_audio' | 'audio_url' | 'thinking';

/** The keys each chunk type defines (mistral-common: TextChunk, ImageURLChunk, ImageChunk, AudioChunk, AudioURLChunk, ThinkChunk). */
export const CHUNK_KEYS: Record<ChunkType, ReadonlySet<string>> = {
  text: new Set(['type', 'text']),
  image_url: new Set(['type', 'image_url']),
  image: new Set(['type', 'image']),
  input_audio: new Set(['type', 'input_audio']),
  audio_url: new Set(['type', 'audio_url']),
  thinking: new Set(['type', 'thinking', 'closed']),
};

/**
 * Chunk types per role. Images and audio are user input; thinking chunks are the assistant's (v13+
 * tokenizers); system and tool content may be text chunks (mistral-common's SystemMessage and ToolMessage).
 */
export const CHUNKS_BY_ROLE: Record<string, readonly ChunkType[]> = {
  system: ['text'],
  user: ['text', 'image_url', 'image', 'input_audio', 'audio_url'],
  assistant: ['text', 'thinking'],
  tool: ['text'],
};

/** The message's content and the key it is under: `text` is mistral-finetune's alias of `content`. */
export function messageContent(message: Record<string, unknown>): { key: 'content' | 'text'; value: unknown } {
  if (!hasKey(message, 'content') && hasKey(message, 'text')) return { key: 'text', value: message.text };
  return { key: 'content', value: message.content };
}

/** True when the content carries nothing: absent, null, "", or an empty chunk list. */
export function isEmptyContent(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Checks a content value that is present and not null: a string, or a list of the role's chunk types.
 */
export function checkContentValue(value: unknown, at: PathSegment[], role: string, r: RecordReporter): void {
  const allowed = CHUNKS_BY_ROLE[role] ?? ['text'];
  if (typeof value === 'string') return;
  if (!Array.isArray(value)) {
    const shape = allowed.length > 1 ? 'a string or a list of content chunks' : 'a string or a list of text chunks';
    r.report('content-type', at, 'value', `The ${role} message's content must be ${shape}, not ${describeValue(value)}`);
    return;
  }
  if (value.length === 0) {
    r.report('content-chunk-invalid', at, 'value', 'The list of content chunks is empty', 'Give the text as a string or at least one {"type": "text", "text": "…"} chunk');
    return;
  }
  for (let c = 0; c < value.length; c++) checkChunk(value[c], [...at, c], role, allowed, r);
}

function checkChunk(chunk: unknown, at: PathSegment[], role: string, allowed: readonly ChunkType[], r: RecordReporter): void {
  if (!isPlainObject(chunk)) {
    r.report('content-chunk-invalid', at, 'value', `A content chunk must be an object, not ${describeValue(chunk)}`);
    return;
  }
  const type = chunk.type;
  const known = typeof type === 'string' && (allowed as readonly string[]).includes(type) ? (type as ChunkType) : null;
  if (known === null) {
    const list = allowed.map((t) => `"${t}"`).join(', ');
    const message = !hasKey(chunk, 'type')
      ? `The content chunk has no "type" (${list})`
      : typeof type === 'string' && type in CHUNK_KEYS
        ? `A ${role} message cannot hold a "${type}" chunk: use ${list}`
        : `Unknown chunk type ${describeValue(type)}: use ${list}`;
    r.report('content-chunk-invalid', hasKey(chunk, 'type') ? [...at, 'type'] : at, 'value', message);
    return;
  }
  for (const key of Object.keys(chunk)) {
    if (!CHUNK_KEYS[known].has(key)) {
      r.report('unknown-key', [...at, key], 'key', `A "${known}" chunk has no key "${key}"; Mistral rejects chunks with extra keys`, 'Remove the key');
    }
  }
  const invalid = (key: string, message: string, hint?: string): void =>
    r.report('content-chunk-invalid', hasKey(chunk, key) ? [...at, key] : at, 'value', message, hint);
  switch (known) {
    case 'text':
      if (typeof chunk.text !== 'string') invalid('text', 'A text chunk needs "text" as a string');
      return;
    case 'image_url':
      checkImageUrl(chunk.image_url, [...at, 'image_url'], r, invalid);
      return;
    case 'image':
      if (typeof chunk.image !== 'string' || chunk.image.length === 0) invalid('image', 'An image chunk needs "image" as a base64 string or data URL');
      return;
    case 'input_audio': {
      const audio = chunk.input_audio;
      if (!isPlainObject(audio) || typeof audio.data !== 'string' || (hasKey(audio, 'format') && typeof audio.format !== 'string')) {
        invalid('input_audio', 'An input_audio chunk needs "input_audio": {"data": "<base64>", "format": "wav"}');
      }
      return;
    }
    case 'audio_url':
      if (typeof chunk.audio_url !== 'string') invalid('audio_url', 'An audio_url chunk needs "audio_url" as a URL string');
      return;
    case 'thinking':
      checkThinking(chunk, at, r, invalid);
      return;
  }
}

function checkImageUrl(image: unknown, at: PathSegment[], r: RecordReporter, invalid: (key: string, message: string, hint?: string) => void): void {
  if (typeof image === 'string') return;
  if (isPlainObject(image) && typeof image.url === 'string') {
    // mistral-common's ImageURL is {url, detail}; detail is optional.
    if (hasKey(image, 'detail') && image.detail !== null && typeof image.detail !== 'string') invalid('image_url', '"detail" must be a string such as "auto"');
    for (const key of Object.keys(image)) {
      if (key !== 'url' && key !== 'detail') r.report('unknown-key', [...at, key], 'key', `"image_url" has no key "${key}" (only "url" and "detail")`, 'Remove the key');
    }
    return;
  }
  invalid('image_url', 'An image_url chunk needs "image_url" as a URL string or {"url": "…"}', 'Use an https URL or a data:image/…;base64 URL');
}

function checkThinking(
  chunk: Record<string, unknown>,
  at: PathSegment[],
  r: RecordReporter,
  invalid: (key: string, message: string, hint?: string) => void,
): void {
  const thinking = chunk.thinking;
  const valid = typeof thinking === 'string' || (Array.isArray(thinking) && thinking.every((t) => isPlainObject(t) && t.type === 'text' && typeof t.text === 'string'));
  if (!valid) invalid('thinking', 'A thinking chunk needs "thinking" as a string or a list of text chunks');
  if (hasKey(chunk, 'closed') && typeof chunk.closed !== 'boolean') {
    r.report('content-chunk-invalid', [...at, 'closed'], 'value', '"closed" must be true or false');
  }
}
