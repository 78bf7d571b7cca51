import { EpochChain, MAX_EPOCH } from '../keys/epoch-key-schedule';
import type { DataKeys } from '../keys/key-derivation';
import { BugError } from '../wire/errors';
import { err, ok, type Result } from '../wire/result';
import { nodeCryptoAead, type AeadKey, type AeadProvider } from './aead-provider';
import type { AeadSuite } from './cipher-suites';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, DATA_V2_HEADER_BYTES } from './constants';
import type { DataCipher, DataDrop } from './data-cipher';
import { dataHeaderBytes, readDataHeaderBytes, writeDataHeader } from './data-header';
import { EpochReceiveKeys, type EpochOpenKey } from './epoch-receive-keys';

/** Epoch (2) ‖ per-epoch counter (6): the packet id of the epoch format. */
export const EPOCH_PACKET_ID_BYTES = 8;
/** The counter is 48 bits; at its end the sender moves to the next epoch. */
export const EPOCH_COUNTER_MAX = 2 ** 48 - 1;
/** In epoch format a renegotiation starts once the send epoch reaches this (ovpn:ssl.c should_trigger_renegotiation). */
export const EPOCH_RENEGOTIATE_AT = 0xf000;
/** header ‖ epoch ‖ counter: everything before the ciphertext is authenticated. */
const AAD_BYTES = DATA_V2_HEADER_BYTES + EPOCH_PACKET_ID_BYTES;
/** At least one byte of payload (ovpn:crypto.c openvpn_decrypt_aead). */
const MIN_PACKET_BYTES = AAD_BYTES + AEAD_TAG_BYTES + 1;
/** q + s ≤ 2^36 − 1 for AES-GCM; ChaCha20-Poly1305 has no such limit (ovpn:crypto.c cipher_get_aead_limits). */
const AES_GCM_USAGE_LIMIT = 2 ** 36 - 1;
/** Past 2^36 failed tag checks a key is no longer used; past 2^35 the sender nudges the peer to move on. */
const FAILED_VERIFICATIONS_LIMIT = 2 ** 36;
const FAILED_VERIFICATIONS_WARN = 2 ** 35;
const AEAD_LIMIT_BLOCK_BYTES = 16;

export interface EpochCipherOptions {
  /**
   * Move to the next send epoch after this many packets instead of at the AEAD usage
   * limit. For tests only (the lab forces rotations with it); 2.7 has no such setting.
   */
  rotateAfterPackets?: number;
}

/**
 * OpenVPN 2.7's epoch data format for an AEAD cipher (protocol-2.7.md §1.3–§1.5; ovpn:crypto.c
 * openvpn_encrypt_aead / openvpn_decrypt_aead in epoch mode, crypto_epoch.c):
 *
 *   [0x48|kid][peer-id 3][epoch 2][counter 6][ciphertext][tag 16]     AAD = bytes 0–11
 *
 *   nonce = (epoch ‖ counter ‖ 00000000) XOR IV(epoch)       key = K(epoch)
 *
 * Each direction walks its own chain of epoch secrets from E1 (the first 32 bytes of its
 * key2 cipher half). Sending, the counter starts at 1 in every epoch; receiving, see
 * EpochReceiveKeys. DATA_V2 only: session/ refuses epoch format without a peer-id.
 */
export class EpochAeadCipher implements DataCipher {
  readonly #sendChain: EpochChain;
  #sealer!: AeadKey;
  #sendIv!: Buffer;
  /** The counter of the last packet sent in the current epoch (0: none yet). */
  #sendCounter = 0;
  #sendBlocks = 0;
  readonly #receive: EpochReceiveKeys;
  readonly #encryptNonce = Buffer.alloc(AEAD_NONCE_BYTES);
  readonly #decryptNonce = Buffer.alloc(AEAD_NONCE_BYTES);
  readonly #usageLimit: number | undefined;

  constructor(
    readonly name: string,
    private readonly suite: AeadSuite,
    keys: DataKeys,
    private readonly provider: AeadProvider = nodeCryptoAead,
    private readonly options: EpochCipherOptions = {},
  ) {
    this.#usageLimit = suite.algorithm === 'chacha20-poly1305' ? undefined : AES_GCM_USAGE_LIMIT;
    // E1 is the first 32 bytes of each direction's cipher half of key2: [0,32) sends, [128,160) receives.
    this.#sendChain = new EpochChain(keys.encrypt.cipherKey);
    this.#receive = new EpochReceiveKeys(suite, keys.decrypt.cipherKey, provider);
    this.#initSendKey();
  }

  /** The epochs in use now (stats; the receive one is the current receive key's). */
  get epochs(): { send: number; receive: number } {
    return { send: this.#sendChain.epoch, receive: this.#receive.current.epoch };
  }

  get nextSendPacketId(): number {
    return this.#sendCounter + 1;
  }

  shouldRenegotiate(): boolean {
    return this.#sendChain.epoch >= EPOCH_RENEGOTIATE_AT;
  }

  overheadBytes(peerId: number | undefined): number {
    return dataHeaderBytes(peerId) + EPOCH_PACKET_ID_BYTES + AEAD_TAG_BYTES;
  }

  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined): Buffer {
    if (peerId === undefined) throw new BugError('data: the epoch format needs DATA_V2 (a peer-id)');
    this.#moveSendEpochIfDue();
    if (this.#sendCounter >= EPOCH_COUNTER_MAX) throw new BugError('data: send counter exhausted in the last epoch without renegotiation');
    const counter = ++this.#sendCounter;
    const out = Buffer.allocUnsafe(AAD_BYTES + plaintext.length + AEAD_TAG_BYTES);
    writeDataHeader(out, keyId, peerId);
    out.writeUInt16BE(this.#sendChain.epoch, DATA_V2_HEADER_BYTES);
    out.writeUIntBE(counter, DATA_V2_HEADER_BYTES + 2, 6);
    nonceInto(this.#encryptNonce, out, this.#sendIv);
    this.#sealer.seal(this.#encryptNonce, out.subarray(0, AAD_BYTES), plaintext, out, AAD_BYTES + plaintext.length, AAD_BYTES);
    this.#sendBlocks += Math.ceil(plaintext.length / AEAD_LIMIT_BLOCK_BYTES);
    return out;
  }

  decrypt(packet: Buffer): Result<Buffer, DataDrop> {
    if (readDataHeaderBytes(packet) !== DATA_V2_HEADER_BYTES) return err('data.bad_opcode');
    if (packet.length < MIN_PACKET_BYTES) return err('data.truncated');
    const epoch = packet.readUInt16BE(DATA_V2_HEADER_BYTES);
    const counter = packet.readUIntBE(DATA_V2_HEADER_BYTES + 2, 6);
    // Before the tag check, so that a counter-0 packet can never move us to a new epoch.
    if (counter === 0) return err('data.bad_packet_id');
    const found = this.#receive.lookup(epoch);
    if (!found) return err('data.unknown_epoch');
    const { key, role } = found;
    if (key.failedVerifications > FAILED_VERIFICATIONS_LIMIT) return err('data.key_limit');
    const replay = found.replay?.test(counter) ?? null;
    if (replay !== null) return err(replay);
    nonceInto(this.#decryptNonce, packet, key.iv);
    const tagAt = packet.length - AEAD_TAG_BYTES;
    const plaintext = key.opener.open(this.#decryptNonce, packet.subarray(0, AAD_BYTES), packet.subarray(tagAt), packet.subarray(AAD_BYTES, tagAt));
    if (plaintext === null) {
      key.failedVerifications++;
      return err('data.auth_failed');
    }
    // Only an authenticated packet of a future epoch moves the receive side (and maybe the sender) on.
    const window = role === 'future' ? this.#onNewReceiveEpoch(key) : found.replay;
    window?.commit(counter);
    key.plaintextBlocks += Math.ceil(plaintext.length / AEAD_LIMIT_BLOCK_BYTES);
    return ok(plaintext);
  }

  #onNewReceiveEpoch(key: EpochOpenKey): ReturnType<EpochReceiveKeys['promote']> {
    const window = this.#receive.promote(key);
    // The peer moved past our send epoch: follow it, so both directions stay on the newest keys.
    if (key.epoch > this.#sendChain.epoch) {
      while (this.#sendChain.epoch < key.epoch) this.#sendChain.advance();
      this.#initSendKey();
    }
    return window;
  }

  /** The checks 2.7 runs before every packet (ovpn:crypto_epoch.c epoch_check_send_iterate). */
  #moveSendEpochIfDue(): void {
    if (this.#sendChain.epoch >= MAX_EPOCH) return;
    const limit = this.#usageLimit;
    const current = this.#receive.current;
    const rotateAfter = this.options.rotateAfterPackets;
    const due = (limit !== undefined && this.#sendBlocks + this.#sendCounter > limit)
      // Our receive key is worn: moving our own send epoch invites the peer to move too.
      || (limit !== undefined && this.#sendChain.epoch === current.epoch
        && (current.plaintextBlocks + this.#receive.currentReplay.highest > limit || current.failedVerifications > FAILED_VERIFICATIONS_WARN))
      || (rotateAfter !== undefined && rotateAfter > 0 && this.#sendCounter >= rotateAfter)
      || this.#sendCounter >= EPOCH_COUNTER_MAX;
    if (!due) return;
    this.#sendChain.advance();
    this.#initSendKey();
  }

  #initSendKey(): void {
    const data = this.#sendChain.dataKey(this.suite.keyBytes);
    this.#sealer = this.provider(this.suite.algorithm, data.key);
    data.key.fill(0);
    this.#sendIv = data.iv;
    this.#sendCounter = 0;
    this.#sendBlocks = 0;
  }
}

/** nonce = bytes 4–11 of the packet (epoch ‖ counter) ‖ 00000000, XOR the epoch's implicit IV. */
function nonceInto(nonce: Buffer, packet: Buffer, iv: Buffer): void {
  for (let i = 0; i < AEAD_NONCE_BYTES; i++) {
    const explicit = i < EPOCH_PACKET_ID_BYTES ? (packet[DATA_V2_HEADER_BYTES + i] as number) : 0;
    nonce[i] = explicit ^ (iv[i] as number);
  }
}
