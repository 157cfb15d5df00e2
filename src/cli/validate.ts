/** `mistral-files validate [--purpose fine-tune|batch] [--json] [--max-problems N] [--fix [--out FILE]] FILE...` */
import { errorMessage } from '../api/core/errors';
import { fixFile, type FixFileResult } from '../validation/fixFile';
import { destinationKind } from '../util/safeOutput';
import { validateFile, type IntendedPurpose, type ValidationResult } from '../validation/index';

export interface ValidateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE =
  'Usage: mistral-files validate [--purpose fine-tune|batch] [--json] [--max-problems N] [--fix [--out FILE]] FILE...\n' +
  '  --fix applies every quick fix (the editor\'s, line by line, every other byte kept) and validates the result;\n' +
  '  it rewrites FILE in place unless --out names another file (one FILE only).';

interface ParsedArgs {
  purpose?: IntendedPurpose;
  json: boolean;
  maxProblems?: number;
  fix: boolean;
  out?: string;
  files: string[];
}

function parseArgs(argv: string[]): ParsedArgs | string {
  const parsed: ParsedArgs = { json: false, fix: false, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const takeValue = (): string | undefined => inline ?? argv[++i];
    if (name === '--json') parsed.json = true;
    else if (name === '--fix') parsed.fix = true;
    else if (name === '--out') {
      const value = takeValue();
      if (value === undefined || value === '') return '--out needs a file name';
      parsed.out = value;
    }
    else if (name === '--purpose') {
      const value = takeValue();
      if (value !== 'fine-tune' && value !== 'batch') return `--purpose must be "fine-tune" or "batch"${value === undefined ? '' : `, not "${value}"`}`;
      parsed.purpose = value;
    } else if (name === '--max-problems') {
      const value = takeValue();
      const number = Number(value);
      if (value === undefined || !Number.isInteger(number) || number < 0) return '--max-problems needs a whole number (0 or more)';
      parsed.maxProblems = number;
    } else if (name === '--') {
      parsed.files.push(...argv.slice(i + 1));
      break;
    } else if (name.startsWith('-') && name !== '-') return `Unknown option ${name}`;
    else parsed.files.push(arg);
  }
  if (parsed.files.length === 0) return 'Give at least one file to validate';
  if (parsed.out !== undefined && !parsed.fix) return '--out goes with --fix (the file to write the fixed lines to)';
  if (parsed.out !== undefined && parsed.files.length > 1) return '--out takes one input file; without --out each file is fixed in place';
  return parsed;
}

const plural = (count: number, word: string): string => `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;

function summaryText(path: string, result: ValidationResult): string {
  const s = result.summary;
  const roles = Object.entries(s.messagesByRole)
    .map(([role, count]) => `${role} ${count.toLocaleString('en-US')}`)
    .join(', ');
  const lines = [
    `${path}: ${result.format} · ${plural(s.lines, 'line')} · ${plural(s.records, 'record')} · ${plural(s.errors, 'error')} · ${plural(s.warnings, 'warning')}`,
    `  messages by role: ${roles || 'none'}`,
    `  records with tools: ${s.recordsWithTools.toLocaleString('en-US')}`,
    `  ${s.tokensCountedWith === 'v3-tokenizer' ? 'tokens' : 'estimated tokens'}: ${s.estimatedTokens.toLocaleString('en-US')} (${s.tokenEstimateMethod})`,
  ];
  if (s.truncated) lines.push(`  listed ${result.diagnostics.length.toLocaleString('en-US')} of ${plural(s.errors + s.warnings, 'problem')} (raise --max-problems to see more)`);
  return lines.join('\n') + '\n';
}

function fixText(input: string, output: string, fixes: FixFileResult): string {
  const kinds = Object.entries(fixes.byCode)
    .map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`)
    .join(', ');
  const where = output === input ? '' : ` into ${output}`;
  return `${input}: fixed ${plural(fixes.fixedLines, 'line')}${where}${kinds ? ` (${kinds})` : ''}\n`;
}

export async function runValidate(argv: string[], io: ValidateIo): Promise<number> {
  if (argv.some((arg) => arg === '--help' || arg === '-h')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    io.stderr.write(`${parsed}\n${USAGE}\n`);
    return 2;
  }
  let exitCode = 0;
  const files: unknown[] = [];
  for (const input of parsed.files) {
    let result: ValidationResult;
    let fixes: FixFileResult | undefined;
    const path = parsed.fix ? (parsed.out ?? input) : input;
    try {
      // The fixed file is validated once written, which a pipe or a device cannot be read back for.
      if (parsed.fix && (await destinationKind(path)) === 'stream') {
        io.stderr.write(`${path}: --fix writes a file and then validates it; give a regular file name, not a pipe or device\n`);
        exitCode = 2;
        continue;
      }
      if (parsed.fix) {
        fixes = await fixFile(input, path, { purpose: parsed.purpose });
      }
      result = await validateFile(path, { purpose: parsed.purpose, maxDiagnostics: parsed.maxProblems, tokens: 'exact' });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error);
      io.stderr.write(`${input}: cannot ${parsed.fix ? 'fix' : 'validate'}: ${reason}\n`);
      exitCode = 2;
      continue;
    }
    if (result.summary.errors > 0 && exitCode === 0) exitCode = 1;
    if (parsed.json) {
      files.push({
        path,
        ...(fixes ? { fixes } : {}),
        format: result.format,
        summary: result.summary,
        diagnostics: result.diagnostics.map(({ line, column, endLine, endColumn, severity, code, message }) => ({ line, column, endLine, endColumn, severity, code, message })),
      });
      continue;
    }
    const out: string[] = fixes ? [fixText(input, path, fixes)] : [];
    for (const d of result.diagnostics) {
      out.push(`${path}:${d.line}:${d.column}: ${d.severity} ${d.code} ${d.message}\n`);
      if (d.hint) out.push(`    hint: ${d.hint}\n`);
    }
    io.stdout.write(out.join('') + summaryText(path, result));
  }
  if (parsed.json) io.stdout.write(JSON.stringify({ files }) + '\n');
  return exitCode;
}
