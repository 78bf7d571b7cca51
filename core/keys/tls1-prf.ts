import { createHmac } from 'node:crypto';

/**
 * The TLS 1.0 PRF (RFC 2246 §5), which OpenVPN's legacy key derivation uses
 * (ovpn:crypto_openssl.c ssl_tls1_PRF, OpenSSL's "TLS1-PRF" with MD5-SHA1):
 *
 *   PRF(secret, seed) = P_MD5(S1, seed) XOR P_SHA1(S2, seed)
 *   S1 = first ceil(len/2) bytes of secret, S2 = last ceil(len/2) bytes
 *        (they share the middle byte when the secret's length is odd)
 *   P_hash(S, seed) = HMAC(S, A(1) ‖ seed) ‖ HMAC(S, A(2) ‖ seed) ‖ …,
 *   A(0) = seed, A(i) = HMAC(S, A(i-1))
 *
 * `seed` is label ‖ seed as one buffer, as OpenVPN passes it.
 */
export function tls1Prf(secret: Buffer, labelAndSeed: Buffer, lengthBytes: number): Buffer {
  const half = Math.ceil(secret.length / 2);
  const s1 = secret.subarray(0, half);
  const s2 = secret.subarray(secret.length - half);
  const out = pHash('md5', s1, labelAndSeed, lengthBytes);
  const sha = pHash('sha1', s2, labelAndSeed, lengthBytes);
  for (let i = 0; i < lengthBytes; i++) out[i] = (out[i] ?? 0) ^ (sha[i] ?? 0);
  return out;
}

function pHash(digest: 'md5' | 'sha1', secret: Buffer, seed: Buffer, lengthBytes: number): Buffer {
  const out = Buffer.alloc(lengthBytes);
  let a: Buffer = seed;
  let offset = 0;
  while (offset < lengthBytes) {
    a = createHmac(digest, secret).update(a).digest();
    const block = createHmac(digest, secret).update(a).update(seed).digest();
    offset += block.copy(out, offset);
  }
  return out;
}
