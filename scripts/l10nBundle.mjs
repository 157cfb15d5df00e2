// Writes l10n/bundle.l10n.json: every message passed to vscode.l10n.t() in the extension's source, the file
// translators start from (`l10n/bundle.l10n.<locale>.json`). Run: node scripts/l10nBundle.mjs [--check]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LITERAL = String.raw`('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\`(?:[^\`\\$]|\\.)*\`)`;
const CALL = new RegExp(String.raw`l10n\.t\(\s*` + LITERAL, 'g');
const ANY_CALL = /l10n\.t\(/g;

/** Where l10n.t calls live: the extension, and the purposes table and checks it shares with the CLI. */
const SOURCE_ROOTS = [path.join(root, 'src', 'extension'), path.join(root, 'src', 'purposes')];

/** The messages of every l10n.t call under the source roots, and the places whose message is not a plain literal. */
export function extractMessages(sourceRoots = SOURCE_ROOTS) {
  const messages = new Set();
  const notLiteral = [];
  const files = sourceRoots.flatMap((sourceRoot) => fs.readdirSync(sourceRoot, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts')).sort().map((f) => [sourceRoot, f]));
  for (const [sourceRoot, file] of files) {
    const relative = path.relative(root, path.join(sourceRoot, file));
    const text = fs.readFileSync(path.join(sourceRoot, file), 'utf8');
    const literalAt = new Set();
    for (const match of text.matchAll(CALL)) {
      literalAt.add(match.index);
      // The literal is our own source code: evaluating it resolves its escapes exactly as the compiler does.
      messages.add(new Function(`return ${match[1]};`)());
    }
    for (const match of text.matchAll(ANY_CALL)) {
      if (!literalAt.has(match.index)) notLiteral.push(`${relative}:${text.slice(0, match.index).split('\n').length}`);
    }
  }
  return { messages: [...messages].sort(), notLiteral };
}

export function bundleText(messages) {
  return `${JSON.stringify(Object.fromEntries(messages.map((m) => [m, m])), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { messages, notLiteral } = extractMessages();
  if (notLiteral.length > 0) {
    console.error(`l10n.t() needs a string literal message (extractable for translation) at:\n  ${notLiteral.join('\n  ')}`);
    process.exit(1);
  }
  const target = path.join(root, 'l10n', 'bundle.l10n.json');
  const text = bundleText(messages);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (current !== text) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10nBundle.mjs');
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    console.log(`${path.relative(root, target)}: ${messages.length} messages`);
  }
}
