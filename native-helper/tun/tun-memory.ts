import { DEFAULT_MAX_BATCH, TAP_FRAME_EXTRA_BYTES, type TunDevice } from './tun-device';
import type { TunError } from './tun-error';

export interface MemoryTunOptions {
  name?: string;
  mtuBytes?: number;
  /** tap: frames may be longer than mtuBytes by their Ethernet header (and one VLAN tag), as on Linux. */
  device?: 'tun' | 'tap';
  maxBatch?: number;
  /** How many packets `written` holds before writes drop, like a full OS queue; unbounded unless given. */
  writeCapacity?: number;
}

/** Bytes written over borrowed packets after the handler returns (see TunDevice.onPackets). */
export const POISON_BYTE = 0xee;

/**
 * An in-memory TunDevice for tests of the tunnel (wireguard-go's tuntest in spirit): the
 * test plays the OS. inject() is a packet from the OS; `written` collects what the
 * tunnel wrote. It keeps the real device's contract strictly, so a test against it
 * catches what production would get wrong:
 *  - packets handed to onPackets are borrowed: after the handler returns their bytes are
 *    overwritten with POISON_BYTE, so a kept reference shows up as garbage;
 *  - packets longer than mtuBytes (a tap device's frames: with their header) never reach
 *    the handler (counted in `oversized`);
 *  - batches are at most maxBatch long; nothing is delivered after close().
 * Delivery is synchronous, inside inject() (or inside onPackets() for packets injected
 * before a handler was set), so tests need no waiting.
 */
export class MemoryTunDevice implements TunDevice {
  readonly name: string;
  readonly mtuBytes: number;
  /** Copies of every packet the tunnel wrote, in order. */
  readonly written: Buffer[] = [];
  /** Injected packets dropped for being longer than the device reads (mtuBytes, on tap with the frame header). */
  oversized = 0;
  /** Writes dropped because writeCapacity was reached. */
  writeDrops = 0;
  readonly #maxBatch: number;
  readonly #maxReadBytes: number;
  readonly #writeCapacity: number;
  readonly #pending: Buffer[] = [];
  #onPackets: ((packets: readonly Buffer[]) => void) | undefined;
  #onDidFail: ((error: TunError) => void) | undefined;
  #closed = false;
  #delivering = false;

  constructor(options: MemoryTunOptions = {}) {
    this.name = options.name ?? 'memtun0';
    this.mtuBytes = options.mtuBytes ?? 1500;
    this.#maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.#maxReadBytes = this.mtuBytes + (options.device === 'tap' ? TAP_FRAME_EXTRA_BYTES : 0);
    this.#writeCapacity = options.writeCapacity ?? Infinity;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Packets from the OS. An array arrives as one read batch (split at maxBatch); each
   * packet is copied first, so the caller may reuse its buffers.
   */
  inject(packets: Buffer | readonly Buffer[]): void {
    if (this.#closed) return;
    for (const packet of Buffer.isBuffer(packets) ? [packets] : packets) {
      if (packet.length > this.#maxReadBytes) this.oversized++;
      else this.#pending.push(Buffer.from(packet));
    }
    this.#flush();
  }

  /** Removes and returns what the tunnel has written so far (frees writeCapacity). */
  takeWritten(): Buffer[] {
    return this.written.splice(0, this.written.length);
  }

  /** Simulates the OS deleting the device under us: onDidFail fires, reading ends. */
  fail(error: TunError): void {
    if (this.#closed) return;
    this.#pending.length = 0;
    this.#onPackets = undefined;
    this.#onDidFail?.(error);
  }

  onPackets(handler: (packets: readonly Buffer[]) => void): void {
    this.#onPackets = handler;
    this.#flush();
  }

  onDidFail(handler: (error: TunError) => void): void {
    this.#onDidFail = handler;
  }

  write(packet: Buffer): boolean {
    if (this.#closed) return false;
    if (this.written.length >= this.#writeCapacity) {
      this.writeDrops++;
      return false;
    }
    this.written.push(Buffer.from(packet));
    return true;
  }

  writeBatch(packets: readonly Buffer[]): number {
    let accepted = 0;
    for (const packet of packets) {
      if (!this.write(packet)) break;
      accepted++;
    }
    return accepted;
  }

  close(): void {
    this.#closed = true;
    this.#pending.length = 0;
  }

  // A real device never calls the handler from inside itself: packets injected by the
  // handler wait for the loop below instead of nesting a second delivery.
  #flush(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      while (this.#onPackets && !this.#closed && this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.#maxBatch);
        try {
          this.#onPackets(batch);
        } finally {
          for (const packet of batch) packet.fill(POISON_BYTE);
        }
      }
    } finally {
      this.#delivering = false;
    }
  }
}
