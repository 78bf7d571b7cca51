import { err, ok, type Result } from '../wire/result';

/**
 * An OpenVPN static key file (`openvpn --genkey secret`): 256 bytes of hex between
 * `-----BEGIN OpenVPN Static key V1-----` and its END line; comments and white space
 * ignored (ovpn:crypto.c read_key_file). Layout (protocol.md §2.4):
 *
 *   bytes   0–63  K0.cipher | 64–127  K0.hmac | 128–191  K1.cipher | 192–255  K1.hmac
 */
export const STATIC_KEY_BYTES = 256;
const SLOT_BYTES = 64;

export type StaticKeyError = { code: 'wrap.bad_static_key'; message: string };

export function parseStaticKeyFile(text: string): Result<Buffer, StaticKeyError> {
  const match = /-----BEGIN OpenVPN Static key V1-----([\s\S]*?)-----END OpenVPN Static key V1-----/.exec(text);
  if (!match) return err({ code: 'wrap.bad_static_key', message: 'No "OpenVPN Static key V1" block found.' });
  const hex = (match[1] ?? '').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return err({ code: 'wrap.bad_static_key', message: 'The static key holds characters that are not hex.' });
  if (hex.length !== STATIC_KEY_BYTES * 2) return err({ code: 'wrap.bad_static_key', message: `The static key has ${hex.length / 2} bytes, not ${STATIC_KEY_BYTES}.` });
  return ok(Buffer.from(hex, 'hex'));
}

/** The four 64-byte slots of a key2. */
export function keySlots(key2: Buffer): { k0Cipher: Buffer; k0Hmac: Buffer; k1Cipher: Buffer; k1Hmac: Buffer } {
  return {
    k0Cipher: key2.subarray(0, SLOT_BYTES),
    k0Hmac: key2.subarray(SLOT_BYTES, 2 * SLOT_BYTES),
    k1Cipher: key2.subarray(2 * SLOT_BYTES, 3 * SLOT_BYTES),
    k1Hmac: key2.subarray(3 * SLOT_BYTES, 4 * SLOT_BYTES),
  };
}

export type TlsCryptV2ClientKey = { key2: Buffer; wkc: Buffer };

/**
 * A tls-crypt-v2 client key: base64 of `Kc (256 bytes) ‖ WKc` between
 * `-----BEGIN OpenVPN tls-crypt-v2 client key-----` lines (ovpn-doc:tls-crypt-v2.txt).
 */
export function parseTlsCryptV2ClientKey(text: string): Result<TlsCryptV2ClientKey, StaticKeyError> {
  const match = /-----BEGIN OpenVPN tls-crypt-v2 client key-----([\s\S]*?)-----END OpenVPN tls-crypt-v2 client key-----/.exec(text);
  if (!match) return err({ code: 'wrap.bad_static_key', message: 'No "OpenVPN tls-crypt-v2 client key" block found.' });
  const bytes = Buffer.from((match[1] ?? '').replace(/\s+/g, ''), 'base64');
  // WKc = tag (32) ‖ encrypted key (≥256) ‖ length (2), at most 1024 bytes.
  if (bytes.length < STATIC_KEY_BYTES + 32 + 2 || bytes.length > STATIC_KEY_BYTES + 1024) {
    return err({ code: 'wrap.bad_static_key', message: 'The tls-crypt-v2 client key has the wrong size.' });
  }
  return ok({ key2: Buffer.from(bytes.subarray(0, STATIC_KEY_BYTES)), wkc: Buffer.from(bytes.subarray(STATIC_KEY_BYTES)) });
}
