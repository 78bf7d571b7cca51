/**
 * Limits and defaults of the profile parser.
 *
 * The limits are ours, not OpenVPN's (2.x reads 256-byte lines and 256-byte
 * parameters, ovpn:options.h OPTION_LINE_SIZE / OPTION_PARM_SIZE): they bound the
 * work a hostile or broken file can cause, so a rejection is quick.
 */
export const MAX_PROFILE_BYTES = 1024 * 1024;
export const MAX_LINE_CHARS = 64 * 1024;
export const MAX_DIRECTIVES = 10_000;
/**
 * Problems kept in one parse result: a file of 1 MiB of lone quotes has one problem per
 * line (half a million), which nobody reads and which would make `postern check --json`
 * print ~90 MB. The rest are counted, not kept (problem-list.ts).
 */
export const MAX_PROBLEMS = 200;
/** A file a profile refers to (ca.crt, x.p12, ...): the same bound as a profile. */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;
/** USER_PASS_LEN of a non-PKCS#11 build (ovpn:misc.h): longer fields are cut by 2.x. */
export const USER_PASS_MAX_BYTES = 127;
/** socks-proxy's port when the line gives none (ovpn:options.c). */
export const DEFAULT_SOCKS_PORT = 1080;

/**
 * Defaults a profile starts from (protocol.md §14; ovpn:options.c init_options,
 * ovpn:mtu.h, ovpn:ping.h).
 */
export const PROFILE_DEFAULTS = {
  port: 1194,
  proto: 'udp',
  dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'],
  auth: 'SHA1',
  handWindowSeconds: 60,
  tranWindowSeconds: 3600,
  renegotiateSeconds: 3600,
  /** Until the server pushes its own value. */
  pingRestartSeconds: 120,
  tlsTimeoutSeconds: 2,
  connectRetrySeconds: 1,
  connectRetryMaxSeconds: 300,
  serverPollTimeoutSeconds: 120,
  tunMtuBytes: 1500,
  mssfixBytes: 1492,
} as const;

/**
 * Bytes a tap device's frames carry beyond tun-mtu (2.x TAP_MTU_EXTRA_DEFAULT, its
 * tun-mtu-extra on tap): room for the Ethernet header, counted as payload overhead in the
 * OCC link-mtu and in mssfix (ovpn:mtu.c frame_calculate_payload_overhead).
 */
export const TAP_MTU_EXTRA_BYTES = 32;

/** The ciphers 2.6 accepts in data-ciphers (ovpn:ssl_ncp.c), in canonical spelling. */
export const KNOWN_DATA_CIPHERS = [
  'AES-128-GCM', 'AES-192-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305',
  'AES-128-CBC', 'AES-192-CBC', 'AES-256-CBC', 'AES-128-CFB', 'AES-192-CFB', 'AES-256-CFB',
  'AES-128-OFB', 'AES-192-OFB', 'AES-256-OFB', 'BF-CBC', 'DES-CBC', 'DES-EDE3-CBC', 'DES-EDE-CBC',
  'CAMELLIA-128-CBC', 'CAMELLIA-192-CBC', 'CAMELLIA-256-CBC', 'SEED-CBC', 'CAST5-CBC', 'RC2-CBC',
  'NONE',
] as const;

/** Ciphers a profile may name but that nobody should still use (64-bit blocks, or none at all). */
export const WEAK_DATA_CIPHERS = new Set(['BF-CBC', 'DES-CBC', 'DES-EDE3-CBC', 'DES-EDE-CBC', 'CAST5-CBC', 'RC2-CBC', 'NONE']);

/**
 * The data-channel ciphers Postern implements (core/data/cipher-suites.ts; config
 * sits below data in the layering, so the list is repeated here).
 */
export const POSTERN_DATA_CIPHERS = new Set([
  'AES-128-GCM', 'AES-192-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305', 'AES-128-CBC', 'AES-192-CBC', 'AES-256-CBC',
  // For 2.3/2.4 servers; BF-CBC and CAST5-CBC need `providers legacy default` (OpenSSL 3's legacy provider).
  'BF-CBC', 'CAST5-CBC', 'DES-EDE3-CBC', 'CAMELLIA-128-CBC', 'CAMELLIA-192-CBC', 'CAMELLIA-256-CBC',
]);

/**
 * Ciphers with 64-bit blocks (SWEET32): Postern renews their keys every 64 MiB, as 2.4+ does,
 * and the import says to move the server to AES-GCM. Repeated from core/data/cipher-suites.ts
 * (config sits below data).
 */
export const SMALL_BLOCK_DATA_CIPHERS = new Set(['BF-CBC', 'CAST5-CBC', 'DES-EDE3-CBC', 'DES-CBC', 'DES-EDE-CBC', 'RC2-CBC']);

/** Ciphers only OpenSSL 3's legacy provider has: they work with `providers legacy default`. */
export const LEGACY_PROVIDER_CIPHERS = new Set(['BF-CBC', 'CAST5-CBC', 'DES-CBC', 'SEED-CBC', 'RC2-CBC']);

/**
 * `providers` names Postern loads: the providers built into its OpenSSL. Any other name makes
 * OpenSSL load a shared library of that name, which a profile must never make the root
 * helper do (the addon checks the same list: native-helper/addon/src/openssl_provider.cc).
 */
export const OPENSSL_PROVIDERS = ['default', 'legacy', 'base'] as const;
export type OpenSslProviderName = typeof OPENSSL_PROVIDERS[number];

/** `auth` digests Postern implements, and the one OpenVPN spells `none` (AEAD only). */
export const POSTERN_AUTH_DIGESTS = new Set(['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'NONE']);
