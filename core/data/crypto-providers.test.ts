import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCryptoProviders, type CryptoProviderLoader } from './crypto-providers';

test('providers load in the profile\'s order; the first that fails stops it; without a loader or a list nothing happens', () => {
  const asked: string[] = [];
  const loader: CryptoProviderLoader = (name) => {
    asked.push(name);
    return name === 'base' ? { ok: false, error: 'not here' } : { ok: true, value: undefined };
  };
  assert.deepEqual(loadCryptoProviders(['legacy', 'default'], loader), { ok: true, value: 'loaded' });
  assert.deepEqual(asked, ['legacy', 'default']);
  assert.deepEqual(loadCryptoProviders(['base', 'legacy'], loader), { ok: false, error: { provider: 'base', reason: 'not here' } });
  assert.deepEqual(asked, ['legacy', 'default', 'base'], 'legacy after the failed base is never asked for');
  assert.deepEqual(loadCryptoProviders(['legacy'], undefined), { ok: true, value: 'no_loader' });
  assert.deepEqual(loadCryptoProviders(undefined, loader), { ok: true, value: 'none' });
  assert.deepEqual(loadCryptoProviders([], loader), { ok: true, value: 'none' });
});
