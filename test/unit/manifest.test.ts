import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Compiled to out/test/unit; the repository root is three levels up.
const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Command {
  command: string;
  title: string;
  category?: string;
  icon?: string;
}
interface MenuItem {
  command: string;
  when?: string;
}
interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
    walkthroughs: Array<{ steps: Array<{ description: string; media: { markdown?: string } }> }>;
    views: Record<string, Array<{ id: string }>>;
    configuration: { properties: Record<string, unknown> };
  };
}

const manifestText = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file));
}
const extensionSource = sourceFiles(path.join(ROOT, 'src', 'extension'))
  .map((file) => fs.readFileSync(file, 'utf8'))
  .join('\n');

/** Every `registerCommand('mistral.x'` in the extension's source. */
const registered = new Set([...extensionSource.matchAll(/registerCommand\(\s*'(mistral\.[A-Za-z.]+)'/g)].map((match) => match[1]));
const declared = new Set(manifest.contributes.commands.map((command) => command.command));

describe('package.json manifest', () => {
  it('has a package.nls.json entry for every %key% it uses, and no unused entries', () => {
    const used = new Set([...manifestText.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]));
    const missing = [...used].filter((key) => !(key in nls));
    assert.deepEqual(missing, [], `keys missing from package.nls.json: ${missing.join(', ')}`);
    const unused = Object.keys(nls).filter((key) => !used.has(key));
    assert.deepEqual(unused, [], `package.nls.json keys nothing uses: ${unused.join(', ')}`);
  });

  it('registers every contributed command in the extension source, and contributes every command it registers', () => {
    const notRegistered = [...declared].filter((id) => !registered.has(id));
    assert.deepEqual(notRegistered, [], `contributed but never registered: ${notRegistered.join(', ')}`);
    const notDeclared = [...registered].filter((id) => !declared.has(id));
    assert.deepEqual(notDeclared, [], `registered but missing from contributes.commands: ${notDeclared.join(', ')}`);
  });

  it('puts every command under the "Mistral" category with a codicon and a localised title', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Mistral', command.command);
      assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, `${command.command} has a codicon`);
      assert.match(command.title, /^%command\.[A-Za-z]+%$/, `${command.command} title comes from package.nls.json`);
    }
  });

  it('menus, welcome links and walkthrough links name only contributed commands (or VS Code built-ins)', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu} names unknown command ${item.command}`);
    }
    const linked = [...Object.values(nls).join('\n').matchAll(/\(command:([A-Za-z.]+)/g)].map((match) => match[1]);
    assert.ok(linked.length > 0);
    for (const id of linked) assert.ok(declared.has(id) || id.startsWith('workbench.'), `a link names unknown command ${id}`);
  });

  it('hides item-only commands from the palette and shows Upload only where it applies', () => {
    const palette = new Map(manifest.contributes.menus.commandPalette.map((item) => [item.command, item.when]));
    for (const id of ['mistral.openFile', 'mistral.loadMore', 'mistral.copyFileId', 'mistral.uploadToGroup']) {
      assert.equal(palette.get(id), 'false', `${id} is hidden from the palette`);
    }
    for (const item of manifest.contributes.menus['explorer/context'].filter((entry) => entry.command === 'mistral.upload')) {
      assert.match(item.when ?? '', /!explorerResourceIsFolder/);
    }
    for (const menu of ['editor/title', 'editor/context', 'editor/title/context']) {
      for (const item of manifest.contributes.menus[menu].filter((entry) => entry.command === 'mistral.upload')) {
        assert.match(item.when ?? '', /resourceScheme == file/, `${menu}: only local files can be uploaded`);
      }
    }
  });

  it('activates for its view, its preview scheme, JSONL documents, and once startup has finished (commands activate implicitly)', () => {
    // onStartupFinished: the key store then sets mistral.hasApiKey, so key-dependent menus are right in a new window
    // (and the walkthrough's key step gets its own context key), without delaying VS Code's own start.
    assert.deepEqual([...manifest.activationEvents].sort(), ['onFileSystem:mistral-file', 'onLanguage:jsonl', 'onStartupFinished', 'onView:mistral.files']);
    assert.ok(!manifest.activationEvents.includes('*'));
  });

  it('shows exactly the right welcome (with its buttons) for a missing key, a rejected key and each kind of load failure', () => {
    const welcomes = manifest.contributes.viewsWelcome.filter((entry) => entry.view === 'mistral.files');
    const visible = (context: WhenContext): string[] =>
      welcomes.filter((entry) => evaluateWhen(entry.when ?? 'true', context)).map((entry) => entry.contents);
    const loaded = { 'mistral.hasApiKey': true, 'mistral.keyRejected': false, 'mistral.unreachable': false, 'mistral.loadProblem': '' };
    // The states FilesTreeView sets (setProblem) and the buttons each welcome must offer.
    const cases: Array<{ state: string; context: WhenContext; commands: string[] }> = [
      { state: 'no key', context: { ...loaded, 'mistral.hasApiKey': false }, commands: ['mistral.setApiKey'] },
      { state: 'key rejected', context: { ...loaded, 'mistral.keyRejected': true }, commands: ['mistral.setApiKey', 'mistral.showLog'] },
      ...['network', 'server', 'other'].map((problem) => ({
        state: `unreachable (${problem})`,
        context: { ...loaded, 'mistral.unreachable': true, 'mistral.loadProblem': problem },
        commands: ['mistral.refresh', 'mistral.showLog'],
      })),
      {
        state: 'unreachable (config)',
        context: { ...loaded, 'mistral.unreachable': true, 'mistral.loadProblem': 'config' },
        commands: ['workbench.action.openSettings', 'mistral.refresh'],
      },
    ];
    for (const { state, context, commands } of cases) {
      const shown = visible(context);
      assert.equal(shown.length, 1, `${state}: exactly one welcome shows (got ${shown.length})`);
      const text = nls[/^%(.+)%$/.exec(shown[0])?.[1] ?? ''] ?? shown[0];
      for (const command of commands) assert.ok(text.includes(`(command:${command}`), `${state}: a button runs ${command}`);
    }
    assert.deepEqual(visible(loaded), [], 'a loaded list shows no welcome');
  });

  it('offers Upload to Mistral in the Explorer and editor title before the extension knows of a key (it asks on use)', () => {
    const beforeActivation: WhenContext = { explorerResourceIsFolder: false, resourceExtname: '.jsonl', resourceScheme: 'file' };
    for (const menu of ['explorer/context', 'editor/title']) {
      const entries = manifest.contributes.menus[menu].filter((entry) => entry.command === 'mistral.upload');
      assert.ok(entries.length > 0, menu);
      for (const entry of entries) assert.ok(evaluateWhen(entry.when ?? 'true', beforeActivation), `${menu}: ${entry.when}`);
    }
  });

  it('ships real walkthrough pages and a monochrome activity-bar icon', () => {
    for (const step of manifest.contributes.walkthroughs[0].steps) {
      const file = path.join(ROOT, step.media.markdown ?? '');
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.split('\n').filter((line) => line.trim() !== '').length >= 5, `${step.media.markdown} has content`);
    }
    const svg = fs.readFileSync(path.join(ROOT, 'media', 'mistral.svg'), 'utf8');
    assert.match(svg, /fill="currentColor"/);
  });

  it('lets only user settings choose where the key is sent (a cloned workspace cannot redirect it)', () => {
    const baseUrl = manifest.contributes.configuration.properties['mistral.baseUrl'] as { scope?: string };
    assert.equal(baseUrl.scope, 'application');
  });

  it('never stores the API key in a setting', () => {
    const settingNames = Object.keys(manifest.contributes.configuration.properties);
    assert.ok(!settingNames.some((name) => /key|token|secret/i.test(name)), settingNames.join(', '));
  });
});

type WhenContext = Record<string, string | boolean>;

/**
 * The subset of VS Code's when-clause language the manifest uses: `&&`, `||`, `!`, `==`, `!=`, `=~ /re/`, true/false.
 * An unset key is falsy and equals nothing, as in VS Code.
 */
function evaluateWhen(when: string, context: WhenContext): boolean {
  return when.split('||').some((alternative) =>
    alternative.split('&&').every((raw) => {
      const term = raw.trim();
      const regex = /^(\S+)\s*=~\s*\/(.*)\/$/.exec(term);
      if (regex) return new RegExp(regex[2]).test(String(context[regex[1]] ?? ''));
      const comparison = /^(\S+)\s*(==|!=)\s*(.+)$/.exec(term);
      if (comparison) {
        const equal = context[comparison[1]] !== undefined && String(context[comparison[1]]) === comparison[3].trim();
        return comparison[2] === '==' ? equal : !equal;
      }
      if (term === 'true') return true;
      if (term === 'false') return false;
      if (term.startsWith('!')) return !context[term.slice(1).trim()];
      return Boolean(context[term]);
    }),
  );
}
