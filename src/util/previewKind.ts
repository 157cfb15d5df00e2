/**
 * How a remote file can be shown in VS Code: as text, in VS Code's image preview, or not at all (PDFs, audio, office
 * documents and archives would open as raw bytes in a text editor, so they are offered Download or the browser).
 * The name decides first, the MIME type second; anything unknown is tried as text.
 */
export type PreviewKind = 'text' | 'image' | 'binary';

const TEXT = new Set(['jsonl', 'json', 'txt', 'md', 'markdown', 'csv', 'tsv', 'yaml', 'yml', 'xml', 'html', 'htm', 'log', 'py', 'js', 'ts', 'toml', 'ini', 'srt', 'vtt']);
// The formats VS Code's built-in image preview renders.
const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'svg', 'ico']);
const BINARY = new Set([
  'pdf', 'docx', 'doc', 'pptx', 'ppt', 'xlsx', 'xls', 'odt', 'odp', 'ods', 'epub', 'rtf',
  'mp3', 'wav', 'flac', 'ogg', 'oga', 'm4a', 'aac', 'opus', 'webm', 'mp4', 'mov', 'mkv', 'avi',
  'zip', 'gz', 'tgz', 'tar', '7z', 'bz2', 'xz', 'rar', 'parquet', 'arrow', 'npy', 'bin',
  'tif', 'tiff', 'heic', 'heif', 'avif',
]);

export function previewKind(filename: string, mimetype?: string | null): PreviewKind {
  const dot = filename.lastIndexOf('.');
  const ext = dot <= 0 ? '' : filename.slice(dot + 1).toLowerCase();
  if (TEXT.has(ext)) return 'text';
  if (IMAGE.has(ext)) return 'image';
  if (BINARY.has(ext)) return 'binary';
  const mime = (mimetype ?? '').toLowerCase();
  if (mime.startsWith('text/') || mime.includes('json')) return 'text';
  if (/^image\/(png|jpeg|gif|webp|bmp|svg\+xml|x-icon|vnd\.microsoft\.icon)$/.test(mime)) return 'image';
  if (/^(audio|video|image)\//.test(mime) || mime === 'application/pdf' || /zip|compressed|msword|officedocument|octet-stream/.test(mime)) return 'binary';
  return 'text';
}

export function isPdf(filename: string, mimetype?: string | null): boolean {
  return /\.pdf$/i.test(filename) || (mimetype ?? '').toLowerCase() === 'application/pdf';
}
