/**
 * Randomized mutations of valid lines with a seeded PRNG: the validator never throws, always
 * terminates, keeps every position inside the text, and a valid line stays valid under the
 * mutations that do not change its meaning. A file of mutated lines gives the same answer
 * through validateText, the main-thread reader and the workers.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES, validateFile, validateText, type ValidationResult } from '../../src/validation/index';
import { seededRandom } from './validationRandom';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'validation');
const VALID_LINES = ['valid-instruct.jsonl', 'valid-pretrain.jsonl', 'valid-batch.jsonl'].flatMap((file) =>
  readFileSync(join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0),
);
// JSON's own punctuation, escapes, whitespace, multi-unit characters, a lone surrogate, control characters.
const ALPHABET = ['{', '}', '[', ']', '"', ':', ',', '\\', ' ', '\t', '\n', '\r', 'a', '0', '-', '.', 'e', 'é', '😀', '\uD800', '\u0000', '\u001f', '\uFFFD', 'null', 'true', '"role"', '"assistant"', '"tool_calls"', '[]', '{}'];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const position = (random: Random, text: string): number => Math.floor(random() * (text.length + 1));

const DESTRUCTIVE: Array<(line: string, random: Random) => string> = [
  (line, r) => {
    const at = position(r, line);
    return line.slice(0, at) + pick(r, ALPHABET) + line.slice(at);
  },
  (line, r) => {
    const at = position(r, line);
    return line.slice(0, at) + line.slice(at + 1 + Math.floor(r() * 8));
  },
  (line, r) => {
    const at = position(r, line);
    return line.slice(0, at) + pick(r, ALPHABET) + line.slice(at + 1);
  },
  (line, r) => line.slice(0, position(r, line)),
  (line, r) => {
    const a = position(r, line);
    const b = position(r, line);
    return line.slice(0, Math.max(a, b)) + line.slice(Math.min(a, b));
  },
  (line, r) => {
    const a = position(r, line);
    return line.slice(a) + line.slice(0, a);
  },
];

/** Serializes with Python's default separators (", " and ": "): same data, different text. */
function spaced(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spaced).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${spaced(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

function reorderKeys(value: unknown, random: Random): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).map(([k, v]) => [k, reorderKeys(v, random)] as const);
  for (let k = entries.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [entries[k], entries[j]] = [entries[j], entries[k]];
  }
  return Object.fromEntries(entries);
}

const IDENTITY: Array<(line: string, random: Random) => string> = [
  (line) => line,
  (line) => JSON.stringify(JSON.parse(line)),
  (line) => spaced(JSON.parse(line)),
  (line, r) => JSON.stringify(reorderKeys(JSON.parse(line), r)),
  (line) => `  ${line}\t `,
  (line) => `${line}\r`,
];

function assertWellFormed(text: string, result: ValidationResult): void {
  const lines = text.split('\n');
  let errors = 0;
  for (const d of result.diagnostics) {
    const rule = RULES[d.code as keyof typeof RULES];
    assert.ok(rule, `unknown code ${d.code}`);
    assert.equal(d.severity, rule.severity);
    assert.ok(d.line >= 1 && d.line <= Math.max(1, lines.length), `line ${d.line} of ${lines.length}`);
    assert.ok(d.endLine >= d.line);
    assert.ok(d.column >= 1 && d.column <= lines[d.line - 1].length + 2, `column ${d.column} on a line of ${lines[d.line - 1]?.length}`);
    assert.ok(d.endLine > d.line || d.endColumn >= d.column, `range ${d.column}-${d.endColumn}`);
    assert.ok(d.endColumn <= lines[d.endLine - 1].length + 2);
    assert.ok(d.message.length > 0);
    if (d.severity === 'error') errors++;
  }
  if (!result.summary.truncated) {
    assert.equal(result.summary.errors, errors);
    assert.equal(result.summary.warnings, result.diagnostics.length - errors);
  }
}

describe('validation: randomized mutations', () => {
  it('valid fixture lines are valid on their own', () => {
    for (const line of VALID_LINES) assert.deepEqual(validateText(line).diagnostics, [], line);
  });

  it('5,000 destructive mutations: never throws, positions stay inside the text', () => {
    const random = seededRandom(20240601);
    let invalid = 0;
    for (let k = 0; k < 5000; k++) {
      let text = pick(random, VALID_LINES);
      const rounds = 1 + Math.floor(random() * 3);
      for (let m = 0; m < rounds; m++) text = pick(random, DESTRUCTIVE)(text, random);
      let result: ValidationResult;
      try {
        result = validateText(text);
      } catch (error) {
        assert.fail(`threw on ${JSON.stringify(text)}: ${String(error)}`);
      }
      assertWellFormed(text, result);
      if (result.summary.errors > 0) invalid++;
    }
    // The mutations must actually break lines, or this test proves nothing.
    assert.ok(invalid > 2500, `only ${invalid} mutated lines were invalid`);
  });

  it('3,000 meaning-preserving mutations: a valid line stays valid', () => {
    const random = seededRandom(7);
    for (let k = 0; k < 3000; k++) {
      const line = pick(random, VALID_LINES);
      const text = pick(random, IDENTITY)(line, random);
      assert.deepEqual(validateText(text).diagnostics, [], text);
    }
  });

  it('a file of mutated lines gives the same result through text, main thread and workers', async () => {
    const random = seededRandom(99);
    const lines: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const line = pick(random, VALID_LINES);
      lines.push(random() < 0.5 ? line : pick(random, DESTRUCTIVE)(line, random));
    }
    const dir = mkdtempSync(join(tmpdir(), 'mf-validation-mutation-'));
    try {
      const path = join(dir, 'mutated.jsonl');
      writeFileSync(path, lines.join('\n'));
      const text = readFileSync(path, 'utf8');
      const main = await validateFile(path, { workers: 0, chunkBytes: 4096, maxDiagnostics: 100_000 });
      assertWellFormed(text, main);
      assert.ok(main.summary.errors > 100);
      assert.deepEqual(await validateFile(path, { workers: 2, chunkBytes: 3000, maxDiagnostics: 100_000 }), main);
      assert.deepEqual(validateText(text, { fileName: path, maxDiagnostics: 100_000 }), main);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
