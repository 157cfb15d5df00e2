/**
 * code-server (VS Code on npm) as the offline test host: checked prerequisites, a pinned install into a
 * cache folder outside the repository on first use, and a verification that its native modules were
 * really built (npm 11 may skip install scripts it has not been told to allow).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.99.4';
/** The @vscode/ripgrep postinstall fetches this from GitHub unless it finds it in its cache folder. */
const RIPGREP_CACHE_FOLDER = 'vscode-ripgrep-cache-1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';
const INSTALLED_MARKER = '.mistral-files-installed';
/** Native modules code-server needs on Linux; the Windows-only ones are built too but never loaded. */
const LINUX_NATIVE_MODULES = ['node-pty', 'kerberos', '@vscode/spdlog', 'native-watchdog'];

export class PrerequisiteError extends Error {}

export function cacheRoot(): string {
  const explicit = process.env.MISTRAL_TEST_CACHE;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'mistral-files-test');
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

function hasSharedLibrary(name: string): boolean {
  const result = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  if (result.status === 0) return result.stdout.includes(name);
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/lib'].some((dir) => fs.existsSync(path.join(dir, name)));
}

function ripgrepPath(): string | undefined {
  const result = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found !== '' ? found : undefined;
}

/**
 * Everything a run needs from the machine, each missing piece named with the command that installs it. The system
 * packages go through scripts/systemDeps.sh first, the same step `npm test`, `npm run demo` and .ci/run take: as root
 * it installs what is missing, otherwise it prints the one command to run.
 */
export function checkPrerequisites(options: { forInstall: boolean; needsBrowser?: boolean }): void {
  if (process.platform === 'linux') {
    const script = path.resolve(__dirname, '..', '..', '..', 'scripts', 'systemDeps.sh');
    const step = spawnSync('sh', [script], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
    if (step.status !== 0) throw new PrerequisiteError(step.stderr.trim() || `${script} failed (exit ${String(step.status)})`);
  }
  const missing: string[] = [];
  const debianPackages = new Set<string>();
  if (process.platform !== 'linux') {
    throw new PrerequisiteError(
      'The code-server test host is set up for Linux. On another system set VSCODE_EXECUTABLE to a desktop VS Code to run the suites with @vscode/test-electron.',
    );
  }
  if (options.needsBrowser !== false && !fs.existsSync(chromiumPath())) {
    missing.push(`Chromium (looked for ${chromiumPath()}; set CHROMIUM_PATH if it lives elsewhere)`);
    debianPackages.add('chromium');
  }
  if (!hasSharedLibrary('libgssapi_krb5.so.2') || (options.forInstall && !fs.existsSync('/usr/include/gssapi/gssapi.h'))) {
    missing.push("Kerberos development files (code-server's kerberos module builds and loads against them)");
    debianPackages.add('libkrb5-dev');
  }
  if (options.forInstall && ripgrepPath() === undefined) {
    missing.push("ripgrep (its binary stands in for the one code-server's postinstall would download)");
    debianPackages.add('ripgrep');
  }
  if (Number(process.versions.node.split('.')[0]) !== 20) {
    missing.push(`Node.js 20 (code-server ${CODE_SERVER_VERSION} requires it; this is ${process.version})`);
  }
  if (missing.length > 0) {
    const install = debianPackages.size > 0 ? `\nInstall with: apt-get install -y ${[...debianPackages].join(' ')}` : '';
    throw new PrerequisiteError(`Missing prerequisites for the VS Code test host:\n  - ${missing.join('\n  - ')}${install}`);
  }
}

export interface CodeServerInstall {
  readonly installDir: string;
  /** The script to run with Node (`node entry.js ...`). */
  readonly entryScript: string;
  readonly packageDir: string;
}

function describeInstall(installDir: string): CodeServerInstall {
  const packageDir = path.join(installDir, 'node_modules', 'code-server');
  return { installDir, packageDir, entryScript: path.join(packageDir, 'out', 'node', 'entry.js') };
}

/** What is wrong with an install, or an empty list when it is complete. */
export function verifyInstall(install: CodeServerInstall): string[] {
  const problems: string[] = [];
  const vscodeModules = path.join(install.packageDir, 'lib', 'vscode', 'node_modules');
  if (!fs.existsSync(install.entryScript)) problems.push(`missing ${install.entryScript}`);
  if (!fs.existsSync(vscodeModules)) problems.push("code-server's postinstall did not run (lib/vscode/node_modules is missing)");
  for (const moduleName of LINUX_NATIVE_MODULES) {
    const release = path.join(vscodeModules, moduleName, 'build', 'Release');
    const built = fs.existsSync(release) && fs.readdirSync(release).some((name) => name.endsWith('.node'));
    if (!built) problems.push(`native module ${moduleName} was not built`);
  }
  if (!fs.existsSync(path.join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg'))) problems.push('the ripgrep binary is missing');
  return problems;
}

function ensureRipgrepTarball(tmpDir: string): void {
  const folder = path.join(tmpDir, RIPGREP_CACHE_FOLDER);
  const tarball = path.join(folder, RIPGREP_TARBALL);
  if (fs.existsSync(tarball)) return;
  const rg = ripgrepPath();
  if (rg === undefined) throw new PrerequisiteError('ripgrep is missing. Install with: apt-get install -y ripgrep');
  fs.mkdirSync(folder, { recursive: true });
  const real = fs.realpathSync(rg);
  const packed = spawnSync('tar', ['-C', path.dirname(real), '-czf', tarball, '--transform', `s|^${path.basename(real)}$|rg|`, path.basename(real)], {
    stdio: 'inherit',
  });
  if (packed.status !== 0) throw new Error(`Could not pack ${real} into ${tarball}.`);
}

function runNpm(args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void): boolean {
  log(`$ npm ${args.join(' ')}   (in ${cwd})`);
  const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

function lockHolderIsGone(lockDir: string): boolean {
  const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), { encoding: 'utf8', flag: 'a+' }).trim());
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - fs.statSync(lockDir).mtimeMs > 60_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lock folder so two runs started at once do not install into the same place; a dead holder's lock is taken over. */
async function withInstallLock<T>(lockDir: string, body: () => Promise<T> | T, log: (line: string) => void): Promise<T> {
  const staleAfterMs = 20 * 60_000;
  for (let announced = false; ; ) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lockHolderIsGone(lockDir) || Date.now() - fs.statSync(lockDir).mtimeMs > staleAfterMs) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`Waiting for another run to finish installing code-server (${lockDir})...`);
      announced = true;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  try {
    return await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Returns a verified code-server, installing it on first use (about two minutes). */
export async function ensureCodeServer(log: (line: string) => void = (line) => console.log(line)): Promise<CodeServerInstall> {
  const root = cacheRoot();
  const installDir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const install = describeInstall(installDir);
  const marker = path.join(installDir, INSTALLED_MARKER);
  if (fs.existsSync(marker)) return install;

  checkPrerequisites({ forInstall: true, needsBrowser: false });
  fs.mkdirSync(root, { recursive: true });
  return withInstallLock(
    `${installDir}.lock`,
    () => {
      if (fs.existsSync(marker)) return install;
      if (verifyInstall(install).length === 0) {
        fs.writeFileSync(marker, new Date().toISOString());
        return install;
      }
      log(`Installing code-server ${CODE_SERVER_VERSION} into ${installDir} (first use only, about two minutes)...`);
      fs.rmSync(installDir, { recursive: true, force: true });
      fs.mkdirSync(installDir, { recursive: true });
      const tmpDir = path.join(root, 'tmp');
      ensureRipgrepTarball(tmpDir);
      // Only these two packages of the pinned tree carry install scripts; both are needed.
      fs.writeFileSync(
        path.join(installDir, 'package.json'),
        JSON.stringify(
          { name: 'mistral-files-test-host', private: true, allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, 'argon2@0.31.2': true } },
          null,
          2,
        ),
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TMPDIR: tmpDir,
        npm_config_yes: 'true',
        npm_config_unsafe_perm: 'true',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        npm_config_update_notifier: 'false',
      };
      const installed = runNpm(['install', '--unsafe-perm', '--no-save', `code-server@${CODE_SERVER_VERSION}`], installDir, env, log);
      let problems = installed ? verifyInstall(install) : ['npm install failed (see its output above)'];
      if (installed && problems.length > 0) {
        // A stricter npm skipped install scripts: run them once more for this isolated, pinned tree only.
        log(`Install incomplete (${problems.join('; ')}); rebuilding with install scripts allowed...`);
        runNpm(['rebuild', '--unsafe-perm', '--dangerously-allow-all-scripts'], installDir, env, log);
        problems = verifyInstall(install);
      }
      if (problems.length > 0) {
        throw new Error(
          `code-server ${CODE_SERVER_VERSION} did not install correctly into ${installDir}:\n  - ${problems.join('\n  - ')}\n` +
            'Check that build tools (apt-get install -y build-essential python3) and libkrb5-dev are present, then run again.',
        );
      }
      fs.writeFileSync(marker, new Date().toISOString());
      log(`code-server ${CODE_SERVER_VERSION} installed.`);
      return install;
    },
    log,
  );
}
