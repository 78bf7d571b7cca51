import type { AeadAlgorithm } from './aead-provider';

/** OpenVPN cipher names → Node/OpenSSL algorithms and key sizes. */
export interface AeadSuite {
  algorithm: AeadAlgorithm;
  keyBytes: number;
}

export type CbcAlgorithm =
  | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc'
  | 'bf-cbc' | 'cast5-cbc' | 'des-ede3-cbc' | 'camellia-128-cbc' | 'camellia-192-cbc' | 'camellia-256-cbc';

export interface CbcSuite {
  algorithm: CbcAlgorithm;
  keyBytes: number;
  /** Block size, which is also the IV size in CBC; 16 when absent. */
  blockBytes?: number;
  /**
   * Only in OpenSSL 3's legacy provider: node:crypto has it once `providers legacy default`
   * loaded that provider into the process (shared/protocol-2.7.md §6).
   */
  legacyProvider?: boolean;
}

export interface HmacDigest {
  algorithm: string;
  bytes: number;
}

export const AEAD_SUITES: Readonly<Record<string, AeadSuite>> = {
  'AES-128-GCM': { algorithm: 'aes-128-gcm', keyBytes: 16 },
  'AES-192-GCM': { algorithm: 'aes-192-gcm', keyBytes: 24 },
  'AES-256-GCM': { algorithm: 'aes-256-gcm', keyBytes: 32 },
  'CHACHA20-POLY1305': { algorithm: 'chacha20-poly1305', keyBytes: 32 },
};

export const CBC_SUITES: Readonly<Record<string, CbcSuite>> = {
  'AES-128-CBC': { algorithm: 'aes-128-cbc', keyBytes: 16 },
  'AES-192-CBC': { algorithm: 'aes-192-cbc', keyBytes: 24 },
  'AES-256-CBC': { algorithm: 'aes-256-cbc', keyBytes: 32 },
  // What 2.3/2.4 servers still run. Key sizes are OpenSSL's defaults, which 2.x uses
  // (ovpn:crypto.c init_key_type → cipher_kt_key_size): BF-CBC and CAST5-CBC 128 bits.
  'BF-CBC': { algorithm: 'bf-cbc', keyBytes: 16, blockBytes: 8, legacyProvider: true },
  'CAST5-CBC': { algorithm: 'cast5-cbc', keyBytes: 16, blockBytes: 8, legacyProvider: true },
  'DES-EDE3-CBC': { algorithm: 'des-ede3-cbc', keyBytes: 24, blockBytes: 8 },
  'CAMELLIA-128-CBC': { algorithm: 'camellia-128-cbc', keyBytes: 16 },
  'CAMELLIA-192-CBC': { algorithm: 'camellia-192-cbc', keyBytes: 24 },
  'CAMELLIA-256-CBC': { algorithm: 'camellia-256-cbc', keyBytes: 32 },
};

/** BF-CBC, CAST5-CBC: only OpenSSL 3's legacy provider has them (`providers legacy default`). */
export function needsLegacyProvider(name: string): boolean {
  return CBC_SUITES[name]?.legacyProvider === true;
}

/** The block (and IV) size of a CBC suite. */
export function cbcBlockBytes(suite: CbcSuite): number {
  return suite.blockBytes ?? 16;
}

/**
 * reneg-bytes for ciphers with blocks under 128 bits when the profile sets none: 2.4+
 * renews the keys every 64 MiB against SWEET32 (ovpn:ssl.c tls_limit_reneg_bytes,
 * cipher_kt_insecure). Counted, as there, over the bytes of both directions.
 */
export const SMALL_BLOCK_RENEGOTIATE_BYTES = 64 * 1024 * 1024;

const SMALL_BLOCK_CIPHERS: ReadonlySet<string> = new Set(Object.entries(CBC_SUITES).filter(([, suite]) => cbcBlockBytes(suite) < 16).map(([name]) => name));

/**
 * Ciphers with 64-bit blocks (BF-CBC, CAST5-CBC, DES-EDE3-CBC): weak, SWEET32. Takes the
 * canonical (upper-case) name, as DataCipher.name is: asked for every packet sent.
 */
export function isSmallBlockCipher(name: string): boolean {
  return SMALL_BLOCK_CIPHERS.has(name);
}

/** `auth` digests for CBC (HMAC key = K.hmac[0:bytes]). */
export const HMAC_DIGESTS: Readonly<Record<string, HmacDigest>> = {
  'SHA1': { algorithm: 'sha1', bytes: 20 },
  'SHA224': { algorithm: 'sha224', bytes: 28 },
  'SHA256': { algorithm: 'sha256', bytes: 32 },
  'SHA384': { algorithm: 'sha384', bytes: 48 },
  'SHA512': { algorithm: 'sha512', bytes: 64 },
};
