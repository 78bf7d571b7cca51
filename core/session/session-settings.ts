import type { TlsClientSettings } from '../tls/tls-channel';
import type { Secret } from '../wire/secret';
import type { PullFilter } from '../control/pull-filter';
import type { CompressionFraming } from '../data/compression';
import type { AeadProvider } from '../data/aead-provider';
import type { AeadCipherFactory } from '../data/data-cipher';
import type { CryptoProviderLoader, OpenSslProviderName } from '../data/crypto-providers';

/** How control packets are protected (protocol.md §2.2–§2.5). Keys are already parsed. */
export type ControlWrapSettings =
  | { kind: 'none' }
  | { kind: 'tls-auth'; staticKey: Buffer; direction: 0 | 1 | undefined; digest: string }
  | { kind: 'tls-crypt'; staticKey: Buffer }
  | { kind: 'tls-crypt-v2'; clientKey: { key2: Buffer; wkc: Buffer } };

export interface Credentials {
  username: string;
  password: Secret;
}

/**
 * Everything one connection attempt needs, already resolved from the profile:
 * no file names, no parsing left to do. Built by `settingsFromProfile`.
 */
export interface SessionSettings {
  transport: 'udp' | 'tcp';
  tls: TlsClientSettings;
  wrap: ControlWrapSettings;
  /** data-ciphers in preference order (canonical names). */
  dataCiphers: string[];
  dataCiphersFallback?: string;
  /** `cipher` from the profile; announced in the options string when allowed. */
  cipher?: string;
  /** `auth` digest for CBC data channels and tls-auth (default SHA1). */
  auth: string;
  /** The data channel's AES-GCM / ChaCha20-Poly1305; node:crypto's when absent. */
  aead?: AeadProvider;
  /** Whole classic-format AEAD data ciphers (the helper's native keys, shared with its data plane); core's AeadCipher when absent. */
  aeadCipher?: AeadCipherFactory;
  /** `dev tun` (IP packets, the default) or `dev tap` (Ethernet frames) from the profile. */
  device?: 'tun' | 'tap';
  /** `providers` from the profile: OpenSSL providers loaded through `loadProvider` when a session starts. */
  providers?: OpenSslProviderName[];
  /** Loads an OpenSSL provider into this process (the helper's addon); absent: core loads none. */
  loadProvider?: CryptoProviderLoader;
  /** Framing from the profile before anything is pushed. */
  compression: CompressionFraming;
  /** allow-compression asym/yes: decompress what the server sends. */
  allowDecompression: boolean;
  credentials?: Credentials;
  /** auth-nocache: drop the password once connected; renegotiations without an auth-token ask again. */
  noCache?: boolean;
  /** A pushed auth-token and its user, reused on renegotiation and reconnects. */
  authToken?: { token: Secret; username?: string };
  peerInfo: {
    version: string;
    guiVersion: string;
    sso?: string;
    extra: Record<string, string>;
    /** IV_PROTO override (tests: without TLS_KEY_EXPORT the server falls back to the legacy PRF). */
    ivProto?: number;
  };
  routeNopull: boolean;
  pullFilters: PullFilter[];
  timers: {
    handWindowSeconds: number;
    renegotiateSeconds: number;
    renegotiateBytes?: number;
    /** Until a value is pushed (default 120 s). */
    pingRestartSeconds: number;
    pingSeconds?: number;
    tlsTimeoutSeconds: number;
  };
  explicitExitNotify?: number;
  /** mssfix from the profile (2.x default 1492, `default` mode); absent or 0 bytes: off. */
  mssfix?: { bytes: number; mode: 'default' | 'payload' | 'mtu' | 'fixed' };
  /** The outer packets' IP family, for `mssfix N mtu` (set per attempt). */
  outerFamily?: 4 | 6;
  /**
   * For tests only: in 2.7's epoch data format, move to the next send epoch after this many
   * packets (the real limit is the AEAD usage bound, 2^36 blocks). No profile directive sets it.
   */
  epochRotatePackets?: number;
}
