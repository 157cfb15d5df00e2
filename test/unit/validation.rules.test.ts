/**
 * One fixture per rule (test/fixtures/validation/rules/*.jsonl, expectations in expected.json):
 * the exact set of diagnostics, each with its code, line and the column range of the text named
 * by `at` (its nth occurrence on that line). Valid fixtures must give no diagnostics at all.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, validateFile, validateText, type Diagnostic, type IntendedPurpose } from '../../src/validation/index';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'validation');

interface ExpectedDiagnostic {
  code: string;
  line: number;
  at: string;
  nth: number;
}
interface RuleCase {
  file: string;
  purpose: IntendedPurpose | null;
  expect: ExpectedDiagnostic[];
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'rules', 'expected.json'), 'utf8')) as Record<string, RuleCase>;

function nthIndexOf(text: string, needle: string, nth: number): number {
  let index = -1;
  for (let k = 0; k <= nth; k++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`fixture error: ${JSON.stringify(needle)} occurs fewer than ${nth + 1} times in ${JSON.stringify(text)}`);
  }
  return index;
}

function expectedRange(lines: string[], expected: ExpectedDiagnostic): { code: string; line: number; column: number; endColumn: number } {
  const text = lines[expected.line - 1].replace(/\r$/, '');
  const start = expected.at === '' ? 0 : nthIndexOf(text, expected.at, expected.nth);
  return { code: expected.code, line: expected.line, column: start + 1, endColumn: start + expected.at.length + 1 };
}

const shape = (d: Diagnostic): { code: string; line: number; column: number; endColumn: number } => ({ code: d.code, line: d.line, column: d.column, endColumn: d.endColumn });
const byPosition = (a: { line: number; column: number; code: string }, b: { line: number; column: number; code: string }): number => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code);

describe('validation rules (fixture per rule)', () => {
  const covered = new Set<string>();
  for (const [name, rule] of Object.entries(cases)) {
    for (const e of rule.expect) covered.add(e.code);
    it(`${name}: reports ${rule.expect.map((e) => `${e.code}@${e.line}`).join(', ')}`, async () => {
      const path = join(FIXTURES, 'rules', rule.file);
      const text = readFileSync(path, 'utf8');
      const lines = text.split('\n');
      const expected = rule.expect.map((e) => expectedRange(lines, e)).sort(byPosition);
      const options = rule.purpose ? { purpose: rule.purpose } : {};
      const fromFile = await validateFile(path, options);
      assert.deepEqual(fromFile.diagnostics.map(shape).sort(byPosition), expected);
      for (const d of fromFile.diagnostics) {
        assert.equal(d.severity, RULES[d.code as keyof typeof RULES].severity, `severity of ${d.code}`);
        assert.ok(d.message.length > 10, 'a message a person can read');
      }
      const errors = fromFile.diagnostics.filter((d) => d.severity === 'error').length;
      assert.equal(fromFile.summary.errors, errors);
      assert.equal(fromFile.summary.warnings, fromFile.diagnostics.length - errors);
      // The editor's live validation sees the same text and must say the same.
      assert.deepEqual(validateText(text, { ...options, fileName: path }), fromFile);
    });
  }

  it('every rule that can fire on a line has a fixture', () => {
    const fileLevelOnly = new Set(['file-empty', 'file-too-large', 'file-extension', 'utf8-invalid', 'line-too-long', 'bom', 'pretty-printed', 'too-many-requests']);
    const missing = Object.keys(RULES).filter((code) => !covered.has(code) && !fileLevelOnly.has(code));
    assert.deepEqual(missing, []);
  });
});

describe('rules.md', () => {
  it('documents every rule code with its severity, and nothing else', () => {
    const table = readFileSync(join(FIXTURES, '..', '..', '..', 'src', 'validation', 'rules.md'), 'utf8');
    const rows = [...table.matchAll(/^\| `([a-z0-9-]+)` \| (error|warning) \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(rows, Object.entries(RULES).map(([code, rule]) => [code, rule.severity]));
  });
});

describe('validation of valid files', () => {
  for (const file of ['valid-instruct.jsonl', 'valid-instruct-crlf.jsonl', 'valid-pretrain.jsonl', 'valid-batch.jsonl']) {
    it(`${file} has no diagnostics`, async () => {
      const result = await validateFile(join(FIXTURES, file));
      assert.deepEqual(result.diagnostics, []);
      assert.equal(result.summary.errors + result.summary.warnings, 0);
      assert.ok(result.summary.records > 0);
      assert.equal(result.summary.records, result.summary.lines);
    });
  }

  it('detects each format from the content', async () => {
    assert.equal((await validateFile(join(FIXTURES, 'valid-instruct.jsonl'))).format, 'instruct');
    assert.equal((await validateFile(join(FIXTURES, 'valid-pretrain.jsonl'))).format, 'pretrain');
    assert.equal((await validateFile(join(FIXTURES, 'valid-batch.jsonl'))).format, 'batch');
    assert.equal((await validateFile(join(FIXTURES, 'empty.jsonl'))).format, 'unknown');
  });

  it('summarizes messages per role, tools, and the token count with how it was obtained', async () => {
    const text = readFileSync(join(FIXTURES, 'valid-instruct.jsonl'), 'utf8');
    const result = validateText(text, { tokens: 'exact' });
    const records = text.trim().split('\n').map((line) => JSON.parse(line) as { messages?: Array<{ role: string }>; interactions?: Array<{ role: string }>; tools?: unknown[] });
    const roles: Record<string, number> = {};
    for (const r of records) for (const m of r.messages ?? r.interactions ?? []) roles[m.role] = (roles[m.role] ?? 0) + 1;
    assert.deepEqual(result.summary.messagesByRole, roles);
    assert.equal(result.summary.recordsWithTools, records.filter((r) => (r.tools ?? []).length > 0).length);
    assert.ok(result.summary.estimatedTokens > 0);
    assert.equal(result.summary.tokensCountedWith, 'v3-tokenizer');
    assert.match(result.summary.tokenEstimateMethod, /v3 tokenizer/);
  });
});
