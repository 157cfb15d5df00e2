/**
 * Cross-check against Mistral's own docs and tools (test/fixtures/validation/crosscheck/cases.json):
 * each case names its source; the records are what that source shows, writes or rejects, not
 * derived from our rules. Valid cases must give no diagnostic at all; the others exactly the
 * listed codes at the listed lines.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFile, validateText, type IntendedPurpose } from '../../src/validation/index';

interface CrossCheckCase {
  name: string;
  source: string;
  purpose: IntendedPurpose | null;
  /** An object is written with JSON.stringify; a string is written as it is (a BOM, a blank line, Python's json.dumps spacing). */
  records: unknown[];
  expect: { code: string; line: number }[];
}

const CASES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'validation', 'crosscheck', 'cases.json');
const cases = JSON.parse(readFileSync(CASES, 'utf8')) as CrossCheckCase[];

describe('validation agrees with Mistral\'s docs and tools', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'crosscheck-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every case names its source', () => {
    for (const c of cases) assert.ok(c.source.length > 10, c.name);
  });

  cases.forEach((c, index) => {
    const verdict = c.expect.length === 0 ? 'is valid' : `reports ${c.expect.map((e) => `${e.code}@${e.line}`).join(', ')}`;
    it(`${c.name} ${verdict} (${c.source})`, async () => {
      const text = c.records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
      const path = join(dir, `case${index}.jsonl`);
      writeFileSync(path, text);
      const options = c.purpose ? { purpose: c.purpose } : {};
      const result = await validateFile(path, options);
      const got = result.diagnostics.map((d) => ({ code: d.code, line: d.line }));
      assert.deepEqual(got, c.expect, JSON.stringify(result.diagnostics, null, 1));
      assert.deepEqual(validateText(text, options).diagnostics.map((d) => ({ code: d.code, line: d.line })), c.expect);
    });
  });
});
