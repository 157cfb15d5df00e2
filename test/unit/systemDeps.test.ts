/**
 * scripts/systemDeps.sh, the one install step of `npm test`, `npm run demo`, the test host and .ci/run: it names
 * exactly what is missing and installs it as root, or prints the one command to run and fails.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'scripts', 'systemDeps.sh');

function run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sh', [SCRIPT], { env: { ...process.env, VSCODE_EXECUTABLE: '', ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scripts/systemDeps.sh', function () {
  before(function () {
    if (process.platform !== 'linux') this.skip();
  });

  it('names a missing Chromium with the apt-get command: run as root it would install it, otherwise it stops', () => {
    const result = run({ CHROMIUM_PATH: '/nonexistent/chromium', MISTRAL_SYSTEM_DEPS_DRY_RUN: '1' });
    const isRoot = process.getuid?.() === 0;
    if (isRoot) {
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^would run: apt-get update && apt-get install -y --no-install-recommends .*\bchromium\b/m);
    } else {
      assert.equal(result.status, 1);
      assert.match(result.stderr, /Missing system packages:.*\bchromium\b/);
      assert.match(result.stderr, /sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends .*chromium'/);
    }
  });

  it('asks nothing of a desktop VS Code run (VSCODE_EXECUTABLE set)', () => {
    const result = run({ CHROMIUM_PATH: '/nonexistent/chromium', MISTRAL_SYSTEM_DEPS_DRY_RUN: '1', VSCODE_EXECUTABLE: '/opt/code/code' });
    assert.equal(result.status, 0);
    assert.equal(result.stdout + result.stderr, '');
  });
});
