import { isLoopbackHost } from '../../api/core/endpoint';
import type { ApiKeyStore, Settings } from '../deps';

/** Set by `npm run demo` on the code-server it starts: the local emulator's throwaway key. */
export const DEMO_KEY_VARIABLE = 'MISTRAL_FILES_DEMO_API_KEY';

/**
 * Stores the demo emulator's key in SecretStorage on first activation, so `npm run demo` opens with files
 * already listed. code-server keeps SecretStorage in the visitor's browser, so only the extension itself can
 * put it there. Guarded so the variable can never plant or replace a real key: only when no key is stored and
 * the configured endpoint is a loopback host (the emulator), never api.mistral.ai or a proxy.
 */
export async function seedDemoKey(env: NodeJS.ProcessEnv, settings: Settings, keyStore: ApiKeyStore): Promise<boolean> {
  const demoKey = env[DEMO_KEY_VARIABLE]?.trim();
  if (!demoKey) return false;
  let hostname: string;
  try {
    hostname = new URL(settings.baseUrl).hostname;
  } catch {
    return false;
  }
  if (!isLoopbackHost(hostname) || (await keyStore.get()) !== undefined) return false;
  await keyStore.set(demoKey);
  return true;
}
