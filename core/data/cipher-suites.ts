import type { AeadAlgorithm } from './aead-provider';

/** OpenVPN cipher names → Node/OpenSSL algorithms and key sizes. */
export interface AeadSuite {
  algorithm: AeadAlgorithm;
  keyBytes: number;
}

export interface CbcSuite {
  algorithm: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';
  keyBytes: number;
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
};

/** `auth` digests for CBC (HMAC key = K.hmac[0:bytes]). */
export const HMAC_DIGESTS: Readonly<Record<string, HmacDigest>> = {
  'SHA1': { algorithm: 'sha1', bytes: 20 },
  'SHA224': { algorithm: 'sha224', bytes: 28 },
  'SHA256': { algorithm: 'sha256', bytes: 32 },
  'SHA384': { algorithm: 'sha384', bytes: 48 },
  'SHA512': { algorithm: 'sha512', bytes: 64 },
};
