import type { DataKeys } from '../keys/key-derivation';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import { AeadCipher } from './aead-cipher';
import type { AeadProvider } from './aead-provider';
import { CbcHmacCipher } from './cbc-hmac-cipher';
import { AEAD_SUITES, CBC_SUITES, HMAC_DIGESTS, type AeadSuite } from './cipher-suites';
import { EpochAeadCipher, type EpochCipherOptions } from './epoch-aead-cipher';
import { cipherAvailable } from './cipher-availability';
import type { ReplayDrop } from './replay-window';

/** Why an incoming data packet was dropped; counted by session/, never thrown. */
export type DataDrop =
  | ReplayDrop
  | 'data.truncated'
  | 'data.bad_opcode'
  | 'data.auth_failed'
  | 'data.decrypt_failed'
  | 'data.bad_compression_header'
  | 'data.compression_not_allowed'
  | 'data.decompress_failed'
  /** Epoch format: an epoch that is neither current, retiring nor one of the next 16 (or 0). */
  | 'data.unknown_epoch'
  /** Epoch format: the key failed more than 2^36 tag checks and is no longer used. */
  | 'data.key_limit';

/**
 * One direction pair of data-channel keys for one key_id. Packet-ids count
 * from 1 per instance (a new key_id gets a new instance).
 */
export interface DataCipher {
  /** Canonical cipher name, e.g. AES-256-GCM. */
  readonly name: string;
  /**
   * Builds the whole wire packet: DATA_V2 with `peerId` (a pushed peer-id),
   * else DATA_V1. `plaintext` is already compression-framed.
   * Throws BugError once packet-ids are exhausted: renegotiate first (shouldRenegotiate).
   */
  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined): Buffer;
  /** Authenticates, decrypts and replay-checks a DATA_V1/V2 packet (opcode byte included). */
  decrypt(packet: Buffer): Result<Buffer, DataDrop>;
  /** The packet-id the next encrypt will use. */
  readonly nextSendPacketId: number;
  /** True once the send packet-id reached 0xFF000000: start a renegotiation. */
  shouldRenegotiate(): boolean;
  /** Bytes a packet grows by (header, packet-id, tag/HMAC/IV, worst-case padding), for MTU sums. */
  overheadBytes(peerId: number | undefined): number;
  /**
   * True once a received packet authenticated under this key, when the cipher can be used
   * outside DataPath (the helper's native keys, which its data plane decrypts with).
   */
  readonly peerHasSent?: boolean;
  /** Epoch format only: the send epoch and the current receive epoch (for stats). */
  readonly epochs?: { send: number; receive: number };
}

/**
 * Makes the classic-format AEAD cipher of one key_id (AeadCipher's wire format, byte for
 * byte): the helper passes its addon's, whose packet ids and replay window its native data
 * plane shares with the JS path. undefined falls back to AeadCipher.
 */
export type AeadCipherFactory = (name: string, suite: AeadSuite, keys: DataKeys, initialPacketId: number) => DataCipher | undefined;

export interface DataCipherOptions {
  /** Negotiated data cipher, e.g. AES-256-GCM (any case). */
  cipher: string;
  /** `auth` digest for CBC ciphers (default SHA1); ignored by AEAD ciphers. */
  auth?: string;
  /** From keys/splitKey2: the client encrypts with K0, decrypts with K1. */
  keys: DataKeys;
  /** First send packet-id (default 1); tests use it to reach the renegotiation threshold. */
  initialPacketId?: number;
  /** AES-GCM / ChaCha20-Poly1305 implementation; node:crypto's when absent. */
  aead?: AeadProvider;
  /** Classic-format AEAD ciphers whole (packet ids, replay window and all); AeadCipher when absent. */
  aeadCipher?: AeadCipherFactory;
  /** 2.7's epoch data format (pushed `protocol-flags … aead-epoch`): AEAD ciphers and DATA_V2 only. */
  epoch?: EpochCipherOptions;
}

export type DataCipherError =
  | { code: 'data.unsupported_cipher'; cipher: string }
  | { code: 'data.unsupported_auth'; auth: string }
  /** BF-CBC or CAST5-CBC without OpenSSL's legacy provider in this process (`providers legacy default`). */
  | { code: 'data.legacy_provider_unavailable'; cipher: string };

export function createDataCipher(options: DataCipherOptions): Result<DataCipher, DataCipherError> {
  const name = options.cipher.toUpperCase();
  const aead = AEAD_SUITES[name];
  if (options.epoch) {
    if (!aead) return err({ code: 'data.unsupported_cipher', cipher: options.cipher });
    return ok(new EpochAeadCipher(name, aead, options.keys, options.aead, options.epoch));
  }
  if (aead) {
    const initialPacketId = options.initialPacketId ?? 1;
    return ok(options.aeadCipher?.(name, aead, options.keys, initialPacketId) ?? new AeadCipher(name, aead, options.keys, initialPacketId, options.aead));
  }
  const cbc = CBC_SUITES[name];
  if (!cbc) return err({ code: 'data.unsupported_cipher', cipher: options.cipher });
  const auth = (options.auth ?? 'SHA1').toUpperCase();
  const digest = HMAC_DIGESTS[auth];
  if (!digest) return err({ code: 'data.unsupported_auth', auth });
  if (!cipherAvailable(cbc)) return err({ code: cbc.legacyProvider ? 'data.legacy_provider_unavailable' : 'data.unsupported_cipher', cipher: name });
  return ok(new CbcHmacCipher(name, cbc, digest, options.keys, options.initialPacketId ?? 1));
}

/** Canonical names of the data ciphers we implement (for IV_CIPHERS / data-ciphers checks). */
export const SUPPORTED_DATA_CIPHERS: readonly string[] = [...Object.keys(AEAD_SUITES), ...Object.keys(CBC_SUITES)];
