import type { OpenSslProviderName } from '../config/constants';
import { err, ok, type Result } from '../wire/result';

export type { OpenSslProviderName } from '../config/constants';

/**
 * Loads one OpenSSL provider into this process's default library context, the one
 * node:crypto uses; loading one already loaded is a no-op. Core makes no native calls, so
 * it cannot load one itself: the helper passes its addon's (OSSL_PROVIDER_load). Returns
 * OpenSSL's reason when the provider will not load.
 */
export type CryptoProviderLoader = (name: OpenSslProviderName) => Result<void, string>;

/** Why the profile's providers could not all be loaded. */
export interface ProviderLoadFailure {
  provider: OpenSslProviderName;
  reason: string;
}

/**
 * Loads the profile's `providers` in order, as 2.6 does at start (ovpn:openvpn.c init_early,
 * crypto_openssl.c crypto_load_provider): the first that fails stops it, and 2.6 treats that
 * as fatal. Without a loader nothing is loaded (core's default): a cipher that needs the
 * legacy provider is then refused when its keys are made (data.legacy_provider_unavailable).
 */
export function loadCryptoProviders(names: readonly OpenSslProviderName[] | undefined, loader: CryptoProviderLoader | undefined): Result<'loaded' | 'no_loader' | 'none', ProviderLoadFailure> {
  if (!names || names.length === 0) return ok('none');
  if (!loader) return ok('no_loader');
  for (const provider of names) {
    const loaded = loader(provider);
    if (!loaded.ok) return err({ provider, reason: loaded.error });
  }
  return ok('loaded');
}
