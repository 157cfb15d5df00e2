import * as assert from 'node:assert/strict';
import { DEMO_KEY_VARIABLE, seedDemoKey } from '../../src/extension/shared/demoKey';
import type { ApiKeyStore, Settings } from '../../src/extension/deps';

function fakeStore(initial?: string): ApiKeyStore & { value: string | undefined } {
  const store = {
    value: initial,
    get: async () => store.value,
    set: async (key: string) => {
      store.value = key;
    },
    clear: async () => {
      store.value = undefined;
    },
    onDidChange: () => ({ dispose: () => undefined }),
  };
  return store;
}

const settingsFor = (baseUrl: string) => ({ baseUrl }) as Settings;

describe('demo key seeding (npm run demo)', () => {
  it('stores the demo key when the endpoint is loopback and no key is stored', async () => {
    const store = fakeStore();
    assert.equal(await seedDemoKey({ [DEMO_KEY_VARIABLE]: 'demo-key' }, settingsFor('http://127.0.0.1:8787'), store), true);
    assert.equal(store.value, 'demo-key');
  });

  it('never replaces a stored key', async () => {
    const store = fakeStore('real-key');
    assert.equal(await seedDemoKey({ [DEMO_KEY_VARIABLE]: 'demo-key' }, settingsFor('http://localhost:8787'), store), false);
    assert.equal(store.value, 'real-key');
  });

  it('never stores a key for a remote endpoint', async () => {
    for (const baseUrl of ['https://api.mistral.ai', 'https://gateway.example.com/mistral', 'not a url']) {
      const store = fakeStore();
      assert.equal(await seedDemoKey({ [DEMO_KEY_VARIABLE]: 'demo-key' }, settingsFor(baseUrl), store), false, baseUrl);
      assert.equal(store.value, undefined);
    }
  });

  it('does nothing without the variable', async () => {
    const store = fakeStore();
    assert.equal(await seedDemoKey({}, settingsFor('http://127.0.0.1:8787'), store), false);
    assert.equal(store.value, undefined);
  });
});
