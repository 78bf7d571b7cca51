import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { AeadAlgorithm, AeadKey } from '../../core/index';

/**
 * Typed access to the postern_tun N-API addon (src/*.cc, built by scripts/build-addon.mjs
 * into build/Release). Linux only for now. Every function is synchronous and
 * non-blocking; failures throw Node-style system errors (see AddonSystemError).
 */
export const TUN_ADDON_PATH = fileURLToPath(new URL('./build/Release/postern_tun.node', import.meta.url));

/** Thrown by the addon: like Node's own fs/net errors (code 'EPERM', errno -1). */
export interface AddonSystemError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

export interface PeerCredentials { pid: number; uid: number; gid: number; groups: number[] }

export interface TunReaderOptions {
  /** Most packets read per wake-up, 1..1024 (64 is a good default). */
  maxBatch: number;
  /** The device MTU; a packet longer than this is dropped and counted as oversized. */
  mtu: number;
  /**
   * false (default): every batch is a fresh Buffer the callback may keep.
   * true: the same Buffer every batch, valid only until the callback returns (no
   * allocation per batch: about 35% less CPU per packet on full batches, measured).
   */
  lend?: boolean;
}

export interface TunReaderStats { batches: number; packets: number; oversized: number; readErrors: number }

/**
 * Called once per batch: packet i is buffer[offset_i, offset_i + lengths[i]) where the
 * packets are packed back to back (offset_0 = 0). `lengths` is reused: read it inside
 * the callback. A throw in the callback is an uncaught exception (like an event handler).
 */
export type OnTunPackets = (buffer: Buffer, lengths: Uint32Array, count: number) => void;

export interface NativeTunReader {
  /** Starts polling the fd (idempotent). */
  start(): void;
  /** Stops polling (idempotent, synchronous): no callback after it returns. */
  stop(): void;
  stats(): TunReaderStats;
}

export interface UdpSocketOptions {
  /** Most datagrams received per wake-up (one recvmmsg) and sent per sendmmsg, 1..1024. */
  maxBatch: number;
  /** Longest datagram accepted; a longer one is dropped and counted as oversized. */
  maxPacket: number;
}

export interface UdpSocketStats { receiveBatches: number; datagramsIn: number; oversized: number; sendCalls: number; datagramsOut: number }

/**
 * A connected, non-blocking UDP socket with batched I/O (recvmmsg / sendmmsg). Received
 * datagrams arrive like TUN packets: one OnTunPackets call per batch, in a fresh Buffer.
 */
export interface NativeUdpSocket {
  /** Starts polling for datagrams (idempotent). */
  start(): void;
  /** Stops polling and closes the fd (idempotent, synchronous): no callback after it returns. */
  close(): void;
  /** Sends packets[start..] in order; returns how many went out before the first refusal. */
  sendBatch(packets: readonly Buffer[], start: number): number;
  /** Node's code ('EAGAIN', 'ECONNREFUSED', ...) of what stopped the last short sendBatch. */
  lastSendError(): string;
  /**
   * Connects the socket again so the kernel picks the source address of the route of now
   * (the port changes too); '' when connected, else the errno's name and the socket stays
   * unconnected (sends fail with EDESTADDRREQ) until a later call works.
   */
  reconnect(): string;
  stats(): UdpSocketStats;
  /** Stops polling but keeps the fd (the data plane receives meanwhile); start() resumes. */
  pause(): void;
  /** The socket's fd, -1 once closed. */
  fd(): number;
}

/** fatal: the socket stopped polling (nothing listens on the port, or the fd broke). */
export type OnUdpSocketError = (error: AddonSystemError, fatal: boolean) => void;

export interface TunAddon {
  /**
   * Opens /dev/net/tun as IFF_TUN|IFF_NO_PI (IP packets), or with tap IFF_TAP|IFF_NO_PI
   * (Ethernet frames), non-blocking; name '' lets the kernel pick tunN / tapN.
   */
  openTun(name: string, tap?: boolean): { fd: number; name: string };
  setMtu(name: string, mtu: number): void;
  setUp(name: string, up: boolean): void;
  /** One write() per packet; stops at a full queue (EAGAIN). Returns how many were written. */
  writePackets(fd: number, packets: readonly Buffer[]): number;
  /** false when the packet was dropped (queue full, or the kernel refused it). */
  writePacket(fd: number, buffer: Buffer, offset: number, length: number): boolean;
  /** SO_PEERCRED and SO_PEERGROUPS of a connected Unix socket (for a net.Socket: `socket._handle.fd`). */
  getPeerCredentials(fd: number): PeerCredentials;
  /** flock(LOCK_EX | LOCK_NB): true when this fd now holds the lock, false when another does. */
  tryLockExclusive(fd: number): boolean;
  close(fd: number): void;
  /** onError is called once if the fd fails (e.g. the device was deleted); polling has stopped then. */
  TunReader: new (fd: number, onPackets: OnTunPackets, options: TunReaderOptions, onError?: (error: AddonSystemError) => void) => NativeTunReader;
  /** AES-GCM / ChaCha20-Poly1305 under one key, with a context reused across packets. */
  AeadKey: new (algorithm: AeadAlgorithm, key: Buffer) => AeadKey;
  /** new DataKey(algorithm, encryptKey, encryptImplicitIv (8 B), decryptKey, decryptImplicitIv, initialPacketId ≥ 1). */
  DataKey: new (algorithm: AeadAlgorithm, encryptKey: Buffer, encryptImplicitIv: Buffer, decryptKey: Buffer, decryptImplicitIv: Buffer, initialPacketId: number) => NativeDataKey;
  /** onUp(buffer, lengths, kinds, count): the items back to back, one call per batch, on the JS thread. */
  DataPlane: new (tunFd: number, udpFd: number, options: DataPlaneOptions, onUp: (buffer: Buffer, lengths: Uint32Array, kinds: Uint8Array, count: number) => void) => NativeDataPlane;
  /**
   * For `npm run bench` only (data_key_bench.cc): seals packets with one DataKey and opens them
   * with the peer's, as the data plane does, in C++ on this thread; blocks until done.
   * Throws a TypeError / RangeError for bad options.
   */
  dataKeyBench(options: DataKeyBenchOptions): DataKeyBenchResult;
  /**
   * OSSL_PROVIDER_load(NULL, name) in the default library context, which node:crypto uses:
   * after `legacy`, createCipheriv('bf-cbc') works in this process. Only `default`, `legacy`
   * and `base` (built into Node's OpenSSL); throws with OpenSSL's reason when it fails.
   * Never unloaded.
   */
  loadOpenSslProvider(name: 'default' | 'legacy' | 'base'): void;
  /** OSSL_PROVIDER_available(NULL, name): loaded (or loadable on demand) in the default library context. */
  openSslProviderAvailable(name: string): boolean;
  /** madvise(MADV_PAGEOUT) over the Node binary's read-only mappings; the bytes advised (0 without MADV_PAGEOUT). See page_release.cc. */
  releaseStartupPages(): number;
  /** Opens and connects the socket; throws a system error (ENETUNREACH, ...) when it cannot. */
  UdpSocket: new (family: 4 | 6, address: string, port: number, onPackets: OnTunPackets, options: UdpSocketOptions, onError: OnUdpSocketError) => NativeUdpSocket;
}

/**
 * What dataKeyBench runs: 'data-key' the plane's DataKey calls (header, nonce, AEAD, replay
 * window, locks); 'evp' the same OpenSSL calls bare; 'evp-stream' what `openssl speed -evp`
 * times (one running update per packet: no nonce, no tag).
 */
export type DataKeyBenchLoop = 'data-key' | 'evp' | 'evp-stream';

export interface DataKeyBenchOptions {
  algorithm: AeadAlgorithm;
  /** Plaintext bytes per packet, 1..65536. */
  packetBytes: number;
  /** DATA_V2's peer id (0..0xffffff); -1 or absent: DATA_V1. */
  peerId?: number;
  /** Stop after this many packets (1..1e9); give this, durationMs or both (whichever ends first). */
  packets?: number;
  /** Stop after about this long (1..60000 ms). */
  durationMs?: number;
  /** 'data-key' when absent. */
  loop?: DataKeyBenchLoop;
}

export interface DataKeyBenchResult {
  packets: number;
  /** Plaintext bytes: packets × packetBytes. */
  bytes: number;
  /** Time spent sealing, and opening (with the replay window), in ns; roundTripNs is their sum. */
  sealNs: number;
  openNs: number;
  roundTripNs: number;
  /** Packets that did not open to exactly what was sealed: anything but 0 is a bug. */
  failures: number;
}

/** Why the addon dropped a data packet: core's codes (drop_code.h). */
export type NativeDataDrop = 'data.bad_packet_id' | 'data.replay' | 'data.replay_window' | 'data.truncated' | 'data.bad_opcode' | 'data.auth_failed';

/**
 * One key_id's classic-format AEAD data channel, both directions (data_key.cc): header,
 * packet id, implicit-IV nonce, tag and replay window. Thread-safe in C++: the data plane
 * uses the same object.
 */
export interface NativeDataKey {
  /**
   * Writes the whole wire packet (DATA_V2 with peerId, else DATA_V1) into out, which has room
   * for the overhead (1 or 4, + 4 + 16) and the plaintext; returns its length, or -1 once
   * packet ids are exhausted. The caller allocates: Node's pool is cheaper than the addon's.
   */
  encrypt(plaintext: Buffer, keyId: number, peerId: number | undefined, out: Buffer): number;
  /** Writes the plaintext into out (as long as the packet less its overhead); its length, or why the packet was dropped. */
  decrypt(packet: Buffer, out: Buffer): number | NativeDataDrop;
  nextSendPacketId(): number;
  /** True once a received packet authenticated under this key (here or on the data plane). */
  peerHasSent(): boolean;
}

/** What the data plane does to packets (the session's DataPathSettings, as the plane takes them). */
export interface DataPlaneOptions {
  /** Most packets per TUN read burst / recvmmsg, 1..1024. */
  maxBatch: number;
  /** The TUN device's MTU (576..9000). */
  mtu: number;
  /** mssfix's largest TCP MSS, -1 for off. */
  maxMss: number;
  framing: 'none' | 'lzo' | 'stub' | 'lz4' | 'stub-v2' | 'lz4-v2';
  /** The pushed peer-id (DATA_V2), -1 for DATA_V1. */
  peerId: number;
  /** UDP GSO (UDP_SEGMENT) on send where the kernel takes it; default true. */
  udpGso?: boolean;
}

/** One key of the session, newest first (core/session/key-selection.ts reads that order). */
export interface DataPlaneKey {
  keyId: number;
  /** null: a negotiation without data keys yet, which still makes the older keys superseded. */
  key: NativeDataKey | null;
  /** core's encryptNotBeforeMs as a delay from now (negative: passed). */
  encryptNotBeforeInMs: number;
  peerSendsWithKey: boolean;
}

export interface DataPlaneStats {
  packetsIn: number; bytesIn: number; packetsOut: number; bytesOut: number;
  tunPacketsIn: number; tunBytesIn: number; tunPacketsOut: number; tunBytesOut: number;
  pingsIn: number; upBatches: number; upPackets: number; tunBatches: number; sendCalls: number; receiveCalls: number;
  /** -1 until a packet authenticated / was sent. */
  msSinceReceived: number; msSinceSent: number;
  /** 1 while sends are segmented by the kernel (UDP GSO), 0 when off or refused. */
  udpGso: number;
  /** By core's drop codes, only those seen. */
  drops: Record<string, number>;
}

/** What the plane passes up: 0 a datagram as received, 1 an unframed non-IP message (OCC), 2 a socket error (the payload is its code). */
export type DataPlaneUpKind = 0 | 1 | 2;

/**
 * One tunnel's data path on a native thread (data_plane.cc). It keeps dup()s of the fds,
 * so stop() before the TUN device is expected to vanish.
 */
export interface NativeDataPlane {
  start(): void;
  /** Synchronous and idempotent: the thread has ended when it returns; no onUp after. */
  stop(): void;
  setKeys(keys: readonly DataPlaneKey[]): void;
  stats(): DataPlaneStats;
}

export class AddonNotBuiltError extends Error {
  override name = 'AddonNotBuiltError';
  readonly code = 'addon.not_built';
}

let loaded: TunAddon | undefined;

/** Loads the addon once; throws AddonNotBuiltError with the fix when it is missing. */
export function loadTunAddon(): TunAddon {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)(TUN_ADDON_PATH) as TunAddon;
  } catch (cause) {
    throw new AddonNotBuiltError(
      `the postern_tun addon is not built or does not load (${TUN_ADDON_PATH}): run \`npm install\` or \`node scripts/build-addon.mjs\``,
      { cause },
    );
  }
  return loaded;
}
