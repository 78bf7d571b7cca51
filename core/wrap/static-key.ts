import { err, ok, type Result } from '../wire/result';

/**
 * An OpenVPN static key (`openvpn --genkey secret`, used by tls-auth and tls-crypt):
 * 256 bytes of hex between the BEGIN and END lines of an `OpenVPN Static key V1` block.
 * Text before the BEGIN line (the usual `#` comments) is ignored, and so is white space
 * inside the block; anything else inside is an error, as in 2.x (ovpn:crypto.c
 * read_key_file). Layout (`struct key2`, protocol.md §2.4):
 *
 *   bytes   0–63  K0.cipher | 64–127  K0.hmac | 128–191  K1.cipher | 192–255  K1.hmac
 *
 * Only the leading bytes of a slot are used (20 of an hmac slot for SHA1, 32 for AES-256).
 */
export const STATIC_KEY_BYTES = 256;
const SLOT_BYTES = 64;
/** WKc = tag (32) ‖ AES-256-CTR(Kc ‖ metadata) ‖ length (2), at most 1024 bytes (ovpn:tls_crypt.h). */
const WKC_MIN_BYTES = 32 + STATIC_KEY_BYTES + 2;
const WKC_MAX_BYTES = 1024;

export type StaticKeyError = { code: 'wrap.bad_static_key'; message: string };

/** The PEM label; the block pattern is built from it (a literal BEGIN line reads like key material to scanners). */
export const STATIC_KEY_LABEL = 'OpenVPN Static key V1';
const STATIC_KEY_BLOCK = new RegExp(`-----BEGIN ${STATIC_KEY_LABEL}-----([\\s\\S]*?)-----END ${STATIC_KEY_LABEL}-----`);
const V2_CLIENT_KEY_BLOCK = /-----BEGIN OpenVPN tls-crypt-v2 client key-----([\s\S]*?)-----END OpenVPN tls-crypt-v2 client key-----/;

export function parseStaticKeyFile(text: string): Result<Buffer, StaticKeyError> {
  const match = STATIC_KEY_BLOCK.exec(text);
  if (!match) return keyError('No "OpenVPN Static key V1" block found.');
  const hex = (match[1] ?? '').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return keyError('The static key holds characters that are not hex.');
  if (hex.length !== STATIC_KEY_BYTES * 2) return keyError(`The static key has ${Math.floor(hex.length / 2)} bytes, not ${STATIC_KEY_BYTES}.`);
  return ok(Buffer.from(hex, 'hex'));
}

/** The four 64-byte slots of a key2 (views, no copies). */
export function keySlots(key2: Buffer): { k0Cipher: Buffer; k0Hmac: Buffer; k1Cipher: Buffer; k1Hmac: Buffer } {
  return {
    k0Cipher: key2.subarray(0, SLOT_BYTES),
    k0Hmac: key2.subarray(SLOT_BYTES, 2 * SLOT_BYTES),
    k1Cipher: key2.subarray(2 * SLOT_BYTES, 3 * SLOT_BYTES),
    k1Hmac: key2.subarray(3 * SLOT_BYTES, 4 * SLOT_BYTES),
  };
}

export interface TlsCryptV2ClientKey {
  /** Kc: a key2, used like a tls-crypt key. */
  key2: Buffer;
  /** The wrapped client key, opaque to us; sent in clear so a stateless server learns Kc. */
  wkc: Buffer;
}

/**
 * A tls-crypt-v2 client key: base64 of `Kc (256 bytes) ‖ WKc` between
 * `-----BEGIN OpenVPN tls-crypt-v2 client key-----` lines (ovpn-doc:tls-crypt-v2.txt,
 * ovpn:tls_crypt.c tls_crypt_v2_init_client_key). WKc ends with its own length as a
 * u16, which the server checks; we check it too, to report a damaged key early.
 */
export function parseTlsCryptV2ClientKey(text: string): Result<TlsCryptV2ClientKey, StaticKeyError> {
  const match = V2_CLIENT_KEY_BLOCK.exec(text);
  if (!match) return keyError('No "OpenVPN tls-crypt-v2 client key" block found.');
  const base64 = (match[1] ?? '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return keyError('The tls-crypt-v2 client key is not valid base64.');
  const bytes = Buffer.from(base64, 'base64');
  const wkcBytes = bytes.length - STATIC_KEY_BYTES;
  if (wkcBytes < WKC_MIN_BYTES || wkcBytes > WKC_MAX_BYTES) return keyError('The tls-crypt-v2 client key has the wrong size.');
  const wkc = Buffer.from(bytes.subarray(STATIC_KEY_BYTES));
  if (wkc.readUInt16BE(wkc.length - 2) !== wkc.length) return keyError('The wrapped part of the tls-crypt-v2 client key is damaged.');
  return ok({ key2: Buffer.from(bytes.subarray(0, STATIC_KEY_BYTES)), wkc });
}

function keyError(message: string): { ok: false; error: StaticKeyError } {
  return err({ code: 'wrap.bad_static_key', message });
}
