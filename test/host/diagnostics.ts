/** Collects what explains a hung or failed run: the extension host's logs from the user-data dir. */
import * as fs from 'node:fs';
import * as path from 'node:path';

function listFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((relative) => path.join(directory, relative))
    .filter((file) => fs.statSync(file).isFile());
}

/**
 * code-server writes the remote extension host's log to `UD/logs/<session>/remoteexthost.log` and the
 * extensions' output channels (ours: "Mistral Files") under `UD/logs/<session>/exthost*`.
 */
export function extensionHostLogFiles(userDataDir: string): string[] {
  return listFiles(path.join(userDataDir, 'logs'))
    .filter((file) => /^(remote)?exthost\.log$/i.test(path.basename(file)) || file.includes(`${path.sep}mistral-files.mistral-files${path.sep}`))
    .sort();
}

function tail(text: string, maxLines: number): string {
  const lines = text.split('\n');
  return lines.length <= maxLines ? text : [`... (${lines.length - maxLines} earlier lines omitted)`, ...lines.slice(-maxLines)].join('\n');
}

export function formatExtensionHostLogs(userDataDir: string, maxLinesPerFile = 120): string {
  const files = extensionHostLogFiles(userDataDir);
  if (files.length === 0) return `No extension host log found under ${path.join(userDataDir, 'logs')}.`;
  return files
    .map((file) => {
      const content = fs.readFileSync(file, 'utf8').trimEnd();
      return `--- ${path.relative(userDataDir, file)} ---\n${content === '' ? '(empty)' : tail(content, maxLinesPerFile)}`;
    })
    .join('\n');
}
