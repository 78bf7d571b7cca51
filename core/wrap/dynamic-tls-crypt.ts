import { BugError } from '../wire/errors';
import type { NowSeconds } from './long-packet-id';
import { STATIC_KEY_BYTES } from './static-key';
import { TlsCryptWrap } from './tls-crypt-wrap';

/** EKM label of the dynamic tls-crypt key (ovpn:ssl_backend.h EXPORT_DYNAMIC_TLS_CRYPT_LABEL). */
export const EKM_LABEL_DYNAMIC_TLS_CRYPT = 'EXPORTER-OpenVPN-dynamic-tls-crypt';
export const DYNAMIC_TLS_CRYPT_EKM_BYTES = STATIC_KEY_BYTES;

/**
 * Dynamic tls-crypt (`protocol-flags dyn-tls-crypt`, protocol.md §2.6;
 * ovpn:tls_crypt.c tls_session_generate_dynamic_tls_crypt_key): once key_id 0 is up,
 * every packet with key_id > 0 is tls-crypt-wrapped with
 *
 *   key2 = EKM(256, "EXPORTER-OpenVPN-dynamic-tls-crypt") XOR original key2
 *
 * where the original is the tls-auth or tls-crypt static key or the tls-crypt-v2 Kc
 * (no XOR when the profile had no wrap). The client uses the INVERSE slots, even if
 * the first session used tls-auth, and the replay counter starts afresh. Derived once
 * per session; the caller keeps the result for all later key ids.
 */
export function dynamicTlsCryptWrap(ekm: Buffer, originalKey2?: Buffer, options: { nowSeconds?: NowSeconds } = {}): TlsCryptWrap {
  if (ekm.length !== DYNAMIC_TLS_CRYPT_EKM_BYTES) throw new BugError(`dynamic tls-crypt: EKM must be ${STATIC_KEY_BYTES} bytes`);
  if (originalKey2 && originalKey2.length !== STATIC_KEY_BYTES) throw new BugError('dynamic tls-crypt: the original key must be 256 bytes');
  const key2 = Buffer.from(ekm);
  if (originalKey2) for (let i = 0; i < key2.length; i++) key2[i] = (key2[i] as number) ^ (originalKey2[i] as number);
  const wrap = new TlsCryptWrap({ staticKey: key2, nowSeconds: options.nowSeconds });
  key2.fill(0);
  return wrap;
}
