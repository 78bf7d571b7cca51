import { createHmac } from 'node:crypto';
import { BugError } from '../wire/errors';

/**
 * OpenVPN 2.7's epoch key schedule (protocol-2.7.md §1.2; ovpn:crypto_epoch.c): each
 * direction has a chain of 32-byte epoch secrets E1, E2, … and every epoch's AEAD key
 * and implicit IV come from its secret through a TLS 1.3-style Expand-Label whose label
 * prefix is "ovpn " instead of "tls13 ".
 *
 *   E(n+1) = Expand-Label(E(n), "datakey upd", "", 32)
 *   K(n)   = Expand-Label(E(n), "data_key", "", key length)
 *   IV(n)  = Expand-Label(E(n), "data_iv", "", 12)
 *
 * node:crypto's hkdfSync always runs Extract first, and these secrets are used as the PRK
 * directly, so Expand is written out here (RFC 5869 §2.3) over createHmac.
 */

export const EPOCH_SECRET_BYTES = 32;
export const EPOCH_IV_BYTES = 12;
/** The first epoch of every chain; 0 never appears on the wire. */
export const FIRST_EPOCH = 1;
export const MAX_EPOCH = 0xffff;

const SHA256_BYTES = 32;
const LABEL_PREFIX = 'ovpn ';

/** HKDF-Expand with SHA-256: T(i) = HMAC(prk, T(i-1) ‖ info ‖ i), concatenated and cut to `length`. */
export function hkdfExpandSha256(prk: Buffer, info: Buffer, length: number): Buffer {
  if (length < 0 || length > 255 * SHA256_BYTES) throw new BugError(`hkdf: cannot expand to ${length} bytes`);
  const out = Buffer.alloc(length);
  let previous = Buffer.alloc(0);
  for (let block = 1, offset = 0; offset < length; block++, offset += SHA256_BYTES) {
    previous = createHmac('sha256', prk).update(previous).update(info).update(Buffer.of(block)).digest();
    previous.copy(out, offset, 0, Math.min(SHA256_BYTES, length - offset));
  }
  return out;
}

/** The HkdfLabel struct: u16 length ‖ u8 len ‖ "ovpn " label ‖ u8 len ‖ context. */
export function expandLabelInfo(label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(LABEL_PREFIX + label, 'latin1');
  if (label.length === 0 || fullLabel.length > 255 || context.length > 255 || length > 0xffff) {
    throw new BugError(`expand-label: label "${label}" or context out of range`);
  }
  const info = Buffer.alloc(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  context.copy(info, 4 + fullLabel.length);
  return info;
}

/** OpenVPN's Expand-Label; the secret must be one SHA-256 output long, as 2.7 requires. */
export function ovpnExpandLabel(secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  if (secret.length !== EPOCH_SECRET_BYTES) throw new BugError(`expand-label: secret must be ${EPOCH_SECRET_BYTES} bytes`);
  return hkdfExpandSha256(secret, expandLabelInfo(label, context, length), length);
}

const NO_CONTEXT = Buffer.alloc(0);

/** E(n+1) from E(n). */
export function nextEpochSecret(secret: Buffer): Buffer {
  return ovpnExpandLabel(secret, 'datakey upd', NO_CONTEXT, EPOCH_SECRET_BYTES);
}

/** One epoch's AEAD key and implicit IV. */
export interface EpochDataKey {
  readonly epoch: number;
  readonly key: Buffer;
  readonly iv: Buffer;
}

export function epochDataKey(epoch: number, secret: Buffer, keyBytes: number): EpochDataKey {
  return {
    epoch,
    key: ovpnExpandLabel(secret, 'data_key', NO_CONTEXT, keyBytes),
    iv: ovpnExpandLabel(secret, 'data_iv', NO_CONTEXT, EPOCH_IV_BYTES),
  };
}

/**
 * One direction's chain of epoch secrets, moving forward only: the secrets of passed
 * epochs are overwritten, so a key once left behind cannot be derived again here.
 */
export class EpochChain {
  #epoch = FIRST_EPOCH;
  #secret: Buffer;

  /** `e1` is copied (the caller may wipe its key2). */
  constructor(e1: Buffer) {
    if (e1.length < EPOCH_SECRET_BYTES) throw new BugError('epoch chain: E1 needs 32 bytes');
    this.#secret = Buffer.from(e1.subarray(0, EPOCH_SECRET_BYTES));
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** The data key of the chain's current epoch. */
  dataKey(keyBytes: number): EpochDataKey {
    return epochDataKey(this.#epoch, this.#secret, keyBytes);
  }

  /** Moves to the next epoch (a BugError past 65535: callers stop before). */
  advance(): void {
    if (this.#epoch >= MAX_EPOCH) throw new BugError('epoch chain: no epoch after 65535');
    const next = nextEpochSecret(this.#secret);
    this.#secret.fill(0);
    this.#secret = next;
    this.#epoch++;
  }

  wipe(): void {
    this.#secret.fill(0);
  }
}
