import type { CryptoProviderLoader, OpenSslProviderName, Result } from '../../core/index';
import { loadTunAddon, type TunAddon } from '../addon/tun-addon';

/** Providers this process loaded (or failed to): each name is tried once per process. */
const attempted = new Map<OpenSslProviderName, Result<void, string>>();

/**
 * Core's CryptoProviderLoader through the addon: OSSL_PROVIDER_load into the default library
 * context, so node:crypto in this process gets the provider's ciphers (BF-CBC and CAST5-CBC
 * from `legacy`). Loaded only when a profile says `providers`, as 2.6 does, and once per
 * process: OpenSSL keeps a loaded provider for the process's life, and so do we.
 */
export function nativeProviderLoader(addon?: TunAddon): CryptoProviderLoader {
  return (name) => {
    const known = attempted.get(name);
    if (known) return known;
    let result: Result<void, string>;
    try {
      (addon ?? loadTunAddon()).loadOpenSslProvider(name);
      result = { ok: true, value: undefined };
    } catch (error) {
      result = { ok: false, error: (error as Error).message };
    }
    attempted.set(name, result);
    return result;
  };
}
