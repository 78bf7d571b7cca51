import { noWrap, type ControlWrap } from '../wrap/control-wrap';
import { TlsAuthWrap } from '../wrap/tls-auth-wrap';
import { TlsCryptWrap } from '../wrap/tls-crypt-wrap';
import { TlsCryptV2Wrap } from '../wrap/tls-crypt-v2-wrap';
import { dynamicTlsCryptWrap, EKM_LABEL_DYNAMIC_TLS_CRYPT, DYNAMIC_TLS_CRYPT_EKM_BYTES } from '../wrap/dynamic-tls-crypt';
import type { TlsChannel } from '../tls/tls-channel';
import type { ControlWrapSettings } from './session-settings';
import { isInitialKey } from './key-negotiation';

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

/**
 * dyn-tls-crypt: the initial key keeps `initialWrap`; every later key id is tls-crypt-wrapped
 * with a key exported from the initial TLS session, mixed with the profile's key (protocol.md §2.6).
 */
export function dynamicTlsCryptSelector(settings: ControlWrapSettings, initialWrap: ControlWrap, initialTls: TlsChannel): (keyId: number) => ControlWrap {
  const dynamic = dynamicTlsCryptWrap(initialTls.exportKeyingMaterial(DYNAMIC_TLS_CRYPT_EKM_BYTES, EKM_LABEL_DYNAMIC_TLS_CRYPT), originalWrapKey(settings));
  return (keyId) => (isInitialKey(keyId) ? initialWrap : dynamic);
}
