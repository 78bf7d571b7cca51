import { noWrap, type ControlWrap } from '../wrap/control-wrap';
import { TlsAuthWrap } from '../wrap/tls-auth-wrap';
import { TlsCryptWrap } from '../wrap/tls-crypt-wrap';
import { TlsCryptV2Wrap } from '../wrap/tls-crypt-v2-wrap';
import type { ControlWrapSettings } from './session-settings';

/**
 * One wrap instance for the whole session: the tls-auth/tls-crypt replay counter is
 * shared by all key ids (protocol.md §12). Returns the selector the control link uses.
 */
export function createControlWrap(settings: ControlWrapSettings): (keyId: number) => ControlWrap {
  const wrap = buildWrap(settings);
  return () => wrap;
}

function buildWrap(settings: ControlWrapSettings): ControlWrap {
  switch (settings.kind) {
    case 'none': return noWrap;
    case 'tls-auth': return new TlsAuthWrap({ staticKey: settings.staticKey, direction: settings.direction, digest: settings.digest });
    case 'tls-crypt': return new TlsCryptWrap({ staticKey: settings.staticKey });
    case 'tls-crypt-v2': return new TlsCryptV2Wrap({ clientKey: settings.clientKey });
  }
}

/** The key dyn-tls-crypt mixes into its exported key: the profile's static key or tls-crypt-v2 Kc. */
export function originalWrapKey(settings: ControlWrapSettings): Buffer | undefined {
  switch (settings.kind) {
    case 'none': return undefined;
    case 'tls-auth':
    case 'tls-crypt': return settings.staticKey;
    case 'tls-crypt-v2': return settings.clientKey.key2;
  }
}
