import { EpochChain, MAX_EPOCH, type EpochDataKey } from '../keys/epoch-key-schedule';
import type { AeadKey, AeadProvider } from './aead-provider';
import type { AeadSuite } from './cipher-suites';
import { ReplayWindow } from './replay-window';

/**
 * Future epochs kept ready to decrypt (ovpn:ssl.c init_epoch_keys): 16 in 2.7.0–2.7.6; later
 * builds keep 4 (upstream 360e3c1a, and the lab's 2.7.8 logs 4). A sender moves one epoch at
 * a time, so holding more than the peer does only means accepting whatever either generation
 * sends, at one derivation per switch.
 */
export const FUTURE_RECEIVE_KEYS = 16;

/** One receive epoch: its AEAD key, implicit IV and what using it taught us. */
export interface EpochOpenKey {
  readonly epoch: number;
  readonly opener: AeadKey;
  readonly iv: Buffer;
  /** Packets that failed the tag check under this key (2.7 stops using a key past 2^36). */
  failedVerifications: number;
  /** 16-byte blocks decrypted, for the AEAD usage limit. */
  plaintextBlocks: number;
}

/** Where a looked-up key sits: a future one becomes current only once a packet under it verified. */
export type EpochKeyRole = 'current' | 'retiring' | 'future';

/**
 * The receive side of one key_id in epoch format (protocol-2.7.md §1.4; ovpn:crypto_epoch.c
 * epoch_lookup_decrypt_key, epoch_replace_update_recv_key): the current key, the one it
 * replaced (retiring, for packets still in flight), and the next 16 epochs precomputed.
 * Current and retiring each keep a replay window over the 48-bit counter. Any other epoch is
 * unknown: older ones are gone for good, and a peer cannot jump more than 16 ahead.
 */
export class EpochReceiveKeys {
  #current: EpochOpenKey;
  #currentReplay = new ReplayWindow();
  #retiring: { key: EpochOpenKey; replay: ReplayWindow } | undefined;
  /** Epochs current+1 … current+n, in order. */
  #future: EpochOpenKey[] = [];
  /** Positioned at the newest epoch derived so far. */
  readonly #chain: EpochChain;

  constructor(private readonly suite: AeadSuite, e1: Buffer, private readonly provider: AeadProvider, private readonly futureCount = FUTURE_RECEIVE_KEYS) {
    this.#chain = new EpochChain(e1);
    this.#current = this.#open(this.#chain.dataKey(suite.keyBytes));
    this.#fillFuture();
  }

  get current(): EpochOpenKey {
    return this.#current;
  }

  /** The current key's replay window (its highest counter feeds the sender's usage check). */
  get currentReplay(): ReplayWindow {
    return this.#currentReplay;
  }

  /** The key for `epoch` and its role, or undefined when the epoch is not held (0 never is). */
  lookup(epoch: number): { key: EpochOpenKey; role: EpochKeyRole; replay: ReplayWindow | undefined } | undefined {
    if (epoch === this.#current.epoch) return { key: this.#current, role: 'current', replay: this.#currentReplay };
    if (this.#retiring && epoch === this.#retiring.key.epoch) return { key: this.#retiring.key, role: 'retiring', replay: this.#retiring.replay };
    const index = epoch - this.#current.epoch - 1;
    // Near the end of the 16-bit space 2.7 stops accepting new epochs rather than derive past it.
    if (index < 0 || index >= this.#future.length || epoch > MAX_EPOCH - this.futureCount - 1) return undefined;
    const key = this.#future[index];
    return key ? { key, role: 'future', replay: undefined } : undefined;
  }

  /**
   * A packet under future `key` verified: it becomes current with a fresh replay window, the
   * current one retires with its window, the epochs skipped over are dropped, and new future
   * keys are derived. Returns the new current key's replay window.
   */
  promote(key: EpochOpenKey): ReplayWindow {
    const index = this.#future.indexOf(key);
    if (index < 0) return this.#currentReplay;
    this.#retiring = { key: this.#current, replay: this.#currentReplay };
    this.#current = key;
    this.#currentReplay = new ReplayWindow();
    this.#future = this.#future.slice(index + 1);
    this.#fillFuture();
    return this.#currentReplay;
  }

  /** Epochs ready beyond the current one (for tests and stats). */
  get futureEpochs(): number[] {
    return this.#future.map((k) => k.epoch);
  }

  get retiringEpoch(): number | undefined {
    return this.#retiring?.key.epoch;
  }

  wipe(): void {
    this.#chain.wipe();
  }

  #fillFuture(): void {
    const highest = Math.min(this.#current.epoch + this.futureCount, MAX_EPOCH);
    while (this.#chain.epoch < highest) {
      this.#chain.advance();
      this.#future.push(this.#open(this.#chain.dataKey(this.suite.keyBytes)));
    }
  }

  #open(data: EpochDataKey): EpochOpenKey {
    const opener = this.provider(this.suite.algorithm, data.key);
    data.key.fill(0);
    return { epoch: data.epoch, opener, iv: data.iv, failedVerifications: 0, plaintextBlocks: 0 };
  }
}
