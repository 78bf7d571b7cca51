import { isSourceLost, udpDropReason, type Link, type LinkReconnectCause, type LinkSinks, type UdpLinkOpener } from '../../core/index';
import { loadTunAddon, type AddonSystemError, type NativeUdpSocket, type TunAddon, type UdpSocketStats } from '../addon/tun-addon';

/** Datagrams per recvmmsg / sendmmsg: the TUN reader's batch, so one TUN batch is one send. */
const MAX_BATCH = 64;
/** Largest OpenVPN datagram we accept: a UDP payload can be no longer than this. */
const MAX_DATAGRAM = 65_507;

/**
 * The helper's UDP link to the server, in place of core's node:dgram one: the same Link,
 * with batched syscalls underneath (see udp_socket.cc for why).
 *
 * send() only queues; the queue goes out in one sendmmsg from a microtask. A TUN batch
 * is delivered by one native callback, and Node runs microtasks when such a callback
 * returns, so everything the session encrypted from that batch leaves in one syscall,
 * and a lone packet (a keepalive, a control message) still leaves at once.
 *
 * When our source address goes away, the connected socket's sends fail (ENETUNREACH): the
 * socket is connected again (new source, new port) and the refused packet is sent once more,
 * so the server floats the session at the next packet (see core's transport/link.ts).
 */
export const openNativeUdpLink: UdpLinkOpener = async (address, port, family, sinks) => NativeUdpLink.open(address, port, family, sinks);

export class NativeUdpLink implements Link {
  readonly kind = 'udp';
  readonly #socket: NativeUdpSocket;
  #queue: Buffer[] = [];
  #closed = false;
  /** A reconnect found no route: the socket is unconnected until one works. */
  #unconnected = false;

  /** Throws (ENETUNREACH, ...) when the server cannot be reached at all, as connect() does. */
  static open(address: string, port: number, family: 4 | 6, sinks: LinkSinks, addon: TunAddon = loadTunAddon()): NativeUdpLink {
    return new NativeUdpLink(addon, address, port, family, sinks);
  }

  private constructor(
    addon: TunAddon,
    readonly remoteAddress: string,
    readonly remotePort: number,
    readonly family: 4 | 6,
    private readonly sinks: LinkSinks,
  ) {
    this.#socket = new addon.UdpSocket(family, remoteAddress, remotePort, this.#deliver, { maxBatch: MAX_BATCH, maxPacket: MAX_DATAGRAM },
      (error, fatal) => this.#onError(error, fatal));
    this.#socket.start();
  }

  send(packet: Buffer): void {
    if (this.#closed) return;
    this.#queue.push(packet);
    if (this.#queue.length === 1) queueMicrotask(this.#flush);
  }

  /** Connects the socket again for the source address of the route of now (VpnClient.networkChanged). */
  reconnect(): void {
    if (this.#closed) return;
    // What is queued was meant for the old path; it goes out on the new one.
    this.#reconnect('requested');
  }

  /** True when connected again; the packet that failed can be sent once more. */
  #reconnect(cause: LinkReconnectCause): boolean {
    this.#unconnected = this.#socket.reconnect() !== '';
    if (this.#unconnected) return false;
    this.sinks.onReconnected?.(cause);
    return true;
  }

  /**
   * Lends the socket to the native data plane: receiving stops here (the plane passes up
   * what it does not handle, through planeDelivered/planeError) until release().
   * Sends from JS still go out here. undefined once closed.
   */
  lendSocket(): { fd: number; release(): void } | undefined {
    const fd = this.#socket.fd();
    if (this.#closed || fd < 0) return undefined;
    this.#socket.pause();
    return { fd, release: () => { if (!this.#closed) this.#socket.start(); } };
  }

  /** An error the plane met on the lent socket (receiving, or a send that lost its source address or was refused). */
  planeError(code: string): void {
    if (this.#closed) return;
    // A send of the plane's found our source address gone (moved to another network): connect
    // the shared socket again for the route of now, as a send of ours would (see #flush).
    if (isSourceLost(code)) {
      this.#reconnect('source_lost');
      return;
    }
    this.#onError({ code, errno: 0, syscall: 'recvmmsg', name: 'Error', message: code } as AddonSystemError, false);
  }

  /** The socket's batching counters (datagrams per recvmmsg / sendmmsg show here). */
  stats(): UdpSocketStats {
    return this.#socket.stats();
  }

  close(): void {
    if (this.#closed) return;
    // What was queued this tick still goes: it may be the EXIT that tells the server we left.
    if (this.#queue.length > 0) this.#flush();
    this.#closed = true;
    this.#socket.close();
  }

  readonly #deliver = (buffer: Buffer, lengths: Uint32Array, count: number): void => {
    let offset = 0;
    for (let i = 0; i < count && !this.#closed; i++) {
      const length = lengths[i] as number;
      // The session may keep a control packet: each batch is a fresh Buffer, so a view is safe.
      this.sinks.onPacket(buffer.subarray(offset, offset + length));
      offset += length;
    }
  };

  readonly #flush = (): void => {
    const batch = this.#queue;
    this.#queue = [];
    let next = 0;
    if (this.#unconnected && !this.#reconnect('source_lost')) {
      for (let i = 0; i < batch.length; i++) this.sinks.onDrop('udp.ENETUNREACH'); // still no route to the server
      return;
    }
    let reconnected = false;
    while (next < batch.length && !this.#closed) {
      next += this.#socket.sendBatch(batch, next);
      if (next === batch.length) return;
      const code = this.#socket.lastSendError();
      if (isSourceLost(code) && !reconnected) {
        // Counted as what it was; then one retry of the same packet from the new address.
        this.sinks.onDrop(udpDropReason(code));
        reconnected = true;
        if (this.#reconnect('source_lost')) continue;
        for (; next < batch.length; next++) this.sinks.onDrop('udp.ENETUNREACH');
        return;
      }
      if (code === 'ECONNREFUSED') return this.#end('udp.port_unreachable');
      if (code === 'EAGAIN' || code === 'ENOBUFS') {
        // The socket's send queue is full: what is left is dropped, as a router would.
        for (; next < batch.length; next++) this.sinks.onDrop('udp.send_queue_full');
        return;
      }
      this.sinks.onDrop(udpDropReason(code)); // the kernel refused this one packet; the rest may go
      next++;
    }
  };

  #onError(error: AddonSystemError, fatal: boolean): void {
    if (this.#closed) return;
    // ECONNREFUSED on a connected UDP socket is an ICMP port unreachable: nothing listens
    // there, so the attempt ends now instead of waiting for server-poll-timeout.
    if (error.code === 'ECONNREFUSED') return this.#end('udp.port_unreachable');
    if (fatal) return this.#end(`udp.${error.code}`);
    this.sinks.onDrop(udpDropReason(error.code));
  }

  #end(reason: string): void {
    this.close();
    this.sinks.onClosed(reason);
  }
}
