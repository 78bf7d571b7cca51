import type { TunError } from './tun-error';

/**
 * The OS side of the tunnel: raw IP packets in and out, in the manner of wireguard-go's
 * tun.Device. The tunnel controller sees only this interface, so its tests run against
 * MemoryTunDevice (tun-memory.ts) and production against LinuxTunDevice (tun-linux.ts).
 *
 * Other platforms plug in as one file each, chosen by createTunDevice (index.ts) from
 * process.platform; their native parts go into the same addon:
 *  - tun-darwin.ts: a utun control socket (PF_SYSTEM/SYSPROTO_CONTROL, "com.apple.net.utun_control");
 *    every packet carries a 4-byte address-family prefix, which the device strips on
 *    read and adds on write, so TunDevice users still see bare IP packets.
 *  - tun-windows.ts: a Wintun adapter (its send/receive rings, woken by an event);
 *    Wintun already hands out bare IP packets.
 *
 * Packets are bare IPv4/IPv6 packets, no link-layer or packet-info header; on a tap device
 * (TunDeviceOptions.device) they are bare Ethernet frames (no FCS, no packet-info header),
 * and the kernel does ARP and neighbour discovery on the device itself.
 */
export interface TunDevice {
  /** The interface name the OS gave the device (e.g. 'tun0'). */
  readonly name: string;
  /** The MTU the device was configured with; no packet read is longer (a tap frame: its header more). */
  readonly mtuBytes: number;

  /**
   * Sets the handler for packets from the OS (a later call replaces it). Reading starts
   * with the first call; until then the OS queues packets (and drops when full).
   *
   * Packets come in batches of 1..maxBatch, in the order the OS sent them. They are
   * BORROWED: valid only until the handler returns, because the device reuses the memory
   * for the next batch. Encrypt or copy (Buffer.from(packet)) inside the handler; never
   * keep a reference. (MemoryTunDevice overwrites them after the handler so a test
   * catches a kept reference.) A throw in the handler is an uncaught exception.
   *
   * After close() returns, the handler is never called again.
   */
  onPackets(handler: (packets: readonly Buffer[]) => void): void;

  /**
   * Called at most once if the device stops working on its own (deleted by someone
   * else, fd error). No packets are delivered after it; the owner should close().
   */
  onDidFail(handler: (error: TunError) => void): void;

  /**
   * Only devices with a real fd (LinuxTunDevice): stops delivering packets to onPackets and
   * hands the fd to a native data plane until release(). undefined when it cannot.
   */
  lendFd?(): { fd: number; release(): void } | undefined;

  /**
   * Hands one packet to the OS. false means it was dropped: the OS queue is full, the OS
   * refused this packet (not IP), or the device is closed. The caller counts drops; it
   * never waits (the OS queue is the buffer, as on a real link). The packet may be reused
   * as soon as write returns.
   */
  write(packet: Buffer): boolean;

  /**
   * Hands packets to the OS in order, one packet per write. Stops at the first full-queue
   * drop and returns how many were accepted; the caller counts the rest as drops.
   */
  writeBatch(packets: readonly Buffer[]): number;

  /**
   * Stops reading and releases the device (idempotent). On Linux the device disappears
   * with its addresses and routes. write/writeBatch afterwards drop (false/0).
   */
  close(): void;
}

export interface TunDeviceOptions {
  /** The interface name to ask for (≤15 bytes); '' or absent lets the OS choose. */
  name?: string;
  mtuBytes: number;
  /** `tun` (default): layer 3, IP packets; `tap`: layer 2, Ethernet frames. */
  device?: 'tun' | 'tap';
  /** Most packets per onPackets call; 64 unless given. */
  maxBatch?: number;
}

export const DEFAULT_MAX_BATCH = 64;

/**
 * How much longer than the MTU a frame read from a tap device can be: the Ethernet header
 * (14 bytes) and one 802.1Q tag (4), which a VLAN device stacked on the tap adds.
 */
export const TAP_FRAME_EXTRA_BYTES = 18;
