/** Events the tests module inside the extension host posts to the runner in the terminal. */
export type ReportEvent =
  | { type: 'begin'; total: number }
  | { type: 'suite'; title: string; depth: number }
  | { type: 'suiteEnd'; title: string; depth: number }
  | { type: 'pass'; title: string; fullTitle: string; durationMs: number; depth: number }
  | { type: 'pending'; title: string; fullTitle: string; depth: number }
  | { type: 'fail'; title: string; fullTitle: string; depth: number; message: string; stack?: string }
  | { type: 'loadError'; message: string; stack?: string }
  | { type: 'end'; passes: number; failures: number; pending: number; tests: number };

/** Environment variables the runner gives the extension host (and so the tests). */
export const TEST_ENV = {
  reportUrl: 'MISTRAL_TEST_REPORT_URL',
  grep: 'MISTRAL_TEST_GREP',
  baseUrl: 'MISTRAL_TEST_BASE_URL',
  apiKey: 'MISTRAL_TEST_API_KEY',
  workspace: 'MISTRAL_TEST_WORKSPACE',
  emulatorData: 'MISTRAL_TEST_EMULATOR_DATA',
} as const;
