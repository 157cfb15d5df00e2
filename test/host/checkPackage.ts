/**
 * Run by `npm run package` after `vsce package`: the .vsix stays small, holds only what the extension
 * runs (no sources, tests, maps or node_modules), keeps `engines.vscode`, and installs into code-server.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCodeServer } from './codeServer';
import { REPO_ROOT } from './session';

// Mistral's v3 tokenizer vocabulary (dist/mistral-tokenizer, about 360 KB compressed) ships deliberately: token counts
// come from the real vocabulary, offline. The rest stays under the 1 MB it was held to before.
const MAX_VSIX_BYTES = 1536 * 1024;
const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/validation-worker.js',
  // Read at run time by the token counter (esbuild.mjs copies them there).
  'extension/dist/mistral-tokenizer/bpe/v3/vocab.bin',
  'extension/dist/mistral-tokenizer/bpe/v3/merges.bin',
  'extension/package.nls.json',
  // The Marketplace page shows the licence and the icon; vsce only warns when they are missing.
  'extension/LICENSE.txt',
  'extension/media/icon.png',
  // Loaded by every results webview before its own script.
  'extension/media/results/common.js',
];
const FORBIDDEN_ENTRY = /^extension\/(src|test|out|node_modules|scripts|\.ci)\/|\.map$|\.ts$|tsconfig\.json$/;

function vsixEntries(vsix: string): string[] {
  const listed = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  if (listed.status === 0) return listed.stdout.split('\n').filter((line) => line !== '');
  // No unzip: read the zip's central directory names with Python, present on Debian.
  const python = spawnSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' });
  if (python.status !== 0) throw new Error(`Cannot list ${vsix}: install unzip (apt-get install -y unzip).`);
  return python.stdout.split('\n').filter((line) => line !== '');
}

async function main(): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    publisher: string;
    version: string;
    engines: { vscode: string };
    icon?: string;
    galleryBanner?: unknown;
    repository?: unknown;
  };
  const vsix = path.join(REPO_ROOT, `${manifest.name}-${manifest.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${path.basename(vsix)} not found: run "npx vsce package --no-dependencies" first.`);
  const problems: string[] = [];

  const size = fs.statSync(vsix).size;
  if (size >= MAX_VSIX_BYTES) problems.push(`${path.basename(vsix)} is ${(size / 1024).toFixed(0)} KB; it must stay under ${MAX_VSIX_BYTES / 1024} KB.`);
  if (manifest.engines.vscode !== '^1.90.0') problems.push(`engines.vscode is ${manifest.engines.vscode}; expected ^1.90.0.`);
  if (manifest.icon === undefined || manifest.galleryBanner === undefined) problems.push('package.json needs an icon and a galleryBanner for the Marketplace page.');
  // No repository is public yet: a made-up URL would send users to nowhere (README, "Packaging").
  if (manifest.repository !== undefined && /example\.|\.invalid\b/.test(JSON.stringify(manifest.repository))) problems.push('package.json has a placeholder repository URL.');

  const entries = vsixEntries(vsix);
  for (const required of REQUIRED_ENTRIES) if (!entries.includes(required)) problems.push(`missing ${required}`);
  for (const entry of entries) if (FORBIDDEN_ENTRY.test(entry)) problems.push(`should not ship ${entry}`);
  // README images stay relative (there is no public repository to rewrite them to): each must ship, or the
  // extension's details page shows broken images.
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  for (const [, image] of readme.matchAll(/!\[[^\]]*\]\((?!https?:)([^)\s]+)\)/g)) {
    if (!entries.includes(`extension/${image}`)) problems.push(`README image ${image} is not in the package`);
  }

  const install = await ensureCodeServer();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mistral-files-vsix-'));
  try {
    const configFile = path.join(scratch, 'code-server.yaml');
    fs.writeFileSync(configFile, 'auth: none\n');
    const common = ['--config', configFile, '--extensions-dir', path.join(scratch, 'extensions'), '--user-data-dir', path.join(scratch, 'user-data')];
    const installed = spawnSync(process.execPath, [install.entryScript, ...common, '--install-extension', vsix], { encoding: 'utf8' });
    const listed = spawnSync(process.execPath, [install.entryScript, ...common, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
    const expected = `${manifest.publisher}.${manifest.name}@${manifest.version}`;
    if (!listed.stdout.split('\n').some((line) => line.trim() === expected)) {
      problems.push(`code-server did not install the package:\n${installed.stdout}${installed.stderr}\n${listed.stdout}${listed.stderr}`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  if (problems.length > 0) throw new Error(problems.join('\n'));
  console.log(`${path.basename(vsix)}: ${(size / 1024).toFixed(0)} KB, ${entries.length} entries, installs into code-server. OK`);
}

main().catch((error: unknown) => {
  console.error(`Package check FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
