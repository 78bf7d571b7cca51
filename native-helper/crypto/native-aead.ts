import type { AeadProvider } from '../../core/index';
import { loadTunAddon, type TunAddon } from '../addon/tun-addon';

/**
 * The data channel's AEAD through the addon: one OpenSSL context per key, only the nonce
 * set per packet (see aead_key.cc). Same bytes as core's node:crypto provider, proven by
 * native-aead.test.ts; the lab tests prove it against openvpn.
 */
export function nativeAead(addon?: TunAddon): AeadProvider {
  // Loaded at the first key, not before: without the addon there is no TUN device either,
  // and that failure already explains itself where the device is opened.
  return (algorithm, key) => new (addon ?? loadTunAddon()).AeadKey(algorithm, key);
}
