import { createHash, getHashes } from 'node:crypto';

/**
 * The `--auth` digest of tls-auth: any OpenSSL digest usable with HMAC, named as in
 * the profile (case-insensitive: SHA1, SHA256, SHA512, SHA3-256, RIPEMD160, …). 2.x
 * passes the name to OpenSSL; node:crypto speaks the same names in lower case.
 * Extendable-output functions (SHAKE) cannot key an HMAC and are refused.
 */
export interface TlsAuthDigest {
  algorithm: string;
  /** H: HMAC size on the wire, and the bytes of the hmac slot used as key. */
  bytes: number;
}

const cache = new Map<string, TlsAuthDigest | undefined>();

export function resolveTlsAuthDigest(name: string): TlsAuthDigest | undefined {
  const algorithm = name.trim().toLowerCase();
  if (cache.has(algorithm)) return cache.get(algorithm);
  let digest: TlsAuthDigest | undefined;
  if (!algorithm.startsWith('shake') && getHashes().includes(algorithm)) {
    // The slot is 64 bytes: a longer digest cannot be keyed from it (none common is).
    const bytes = createHash(algorithm).digest().length;
    if (bytes <= 64) digest = { algorithm, bytes };
  }
  cache.set(algorithm, digest);
  return digest;
}

/** For config validation: can tls-auth run with this `auth` digest? */
export function isTlsAuthDigest(name: string): boolean {
  return resolveTlsAuthDigest(name) !== undefined;
}
