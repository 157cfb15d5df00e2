import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface L10nScript {
  extractMessages(): { messages: string[]; notLiteral: string[] };
}

describe('localisation (vscode.l10n)', () => {
  it('passes a string literal to every vscode.l10n.t() call, so every message can be extracted for translation', async () => {
    const script = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'l10nBundle.mjs')).href)) as L10nScript;
    const { messages, notLiteral } = script.extractMessages();
    assert.deepEqual(notLiteral, [], 'l10n.t() calls whose message is computed');
    assert.ok(messages.length > 100);
  });

  it('ships an English bundle whose entries are the messages themselves', () => {
    const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, unknown>;
    const entries = Object.entries(bundle);
    assert.ok(entries.length > 100);
    for (const [key, value] of entries) assert.equal(value, key);
    for (const message of ['Set API Key', 'Load more…', 'Could not load files from {0}: {1}']) assert.ok(message in bundle, message);
  });
});
