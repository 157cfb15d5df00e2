/**
 * `npm run demo [-- --port 8080]`: the extension under development in code-server, against the emulator
 * seeded with demo files, on loopback, the key pre-set: code-server keeps SecretStorage in the visitor's
 * browser, so the script hands the emulator's throwaway key to the extension (MISTRAL_FILES_DEMO_API_KEY), which
 * stores it in SecretStorage on first activation (only for a loopback endpoint with no key stored yet).
 */
import { PrerequisiteError } from './codeServer';
import { startHostSession } from './session';

function parseArgs(argv: string[]): { port: number; emulatorPort: number } {
  let port = Number(process.env.PORT ?? 8080);
  let emulatorPort = 0;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--port') port = Number(argv[++index]);
    else if (arg === '--emulator-port') emulatorPort = Number(argv[++index]);
    else throw new Error(`Unknown argument ${arg}. Usage: npm run demo -- [--port 8080] [--emulator-port 8787]`);
  }
  for (const [name, value] of [['--port', port], ['--emulator-port', emulatorPort]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number (0 picks a free one).`);
  }
  return { port, emulatorPort };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log('Starting the Files API emulator (demo data) and code-server...');
  const session = await startHostSession({ label: 'mistral-files-demo', seed: 'demo', codeServerPort: args.port, emulatorPort: args.emulatorPort, needsBrowser: false, presetDemoKey: true });

  // Ctrl-C: the session's signal handler stops code-server and the emulator and deletes the sandbox.
  const lines = [
    '',
    'Mistral Files demo is running.',
    '',
    `  Open:      ${session.url}`,
    `  API key:   ${session.apiKey}`,
    "             (the emulator's key, already stored in VS Code's secret storage when the extension first",
    '              activates; for the CLI: MISTRAL_API_KEY)',
    `  Emulator:  ${session.emulator.url}  (MISTRAL_BASE_URL for the CLI: node dist/cli.js list)`,
    `  Workspace: ${session.sandbox.workspaceDir}`,
    '',
    'Press Ctrl-C to stop everything (the demo workspace and data are deleted).',
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  const message = error instanceof PrerequisiteError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(`\nThe demo could not start: ${message}`);
  process.exit(1);
});
