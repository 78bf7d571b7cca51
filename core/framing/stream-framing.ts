import { BugError } from '../wire/errors';

/**
 * TCP framing: every OpenVPN packet is preceded by its length as a u16, big-endian,
 * the prefix itself not counted (protocol.md §1; ovpn:socket.c stream_buf_added).
 *
 *   | length (2) | packet (length bytes) | length (2) | packet … |
 *
 * Decisions (drops are reported, never thrown):
 * - a zero length is dropped ('framing.zero_length') and the stream goes on: the frame
 *   boundary is still known (2.x is stricter and restarts the connection);
 * - a length above the limit ('framing.oversize') means the stream lost its framing (or
 *   the peer is not OpenVPN); nothing after it can be trusted, so the decoder reports it
 *   once, calls onBroken, and ignores every later byte. The session closes the
 *   connection, as 2.x does ("Bad encapsulated packet length", ovpn:socket.c);
 * - bytes of an unfinished frame when the stream ends are dropped by `end()`
 *   ('framing.truncated').
 *
 * Each received byte is copied at most once: chunks are kept as a list and a frame is
 * assembled only when all its bytes are there (a frame inside one chunk is a view, no
 * copy). Pushed chunks are kept by reference until consumed: callers must not reuse
 * them (node:net never does). Delivered packets are views; copy what must outlive the
 * onPacket call.
 */
export type FramingDrop = 'framing.zero_length' | 'framing.oversize' | 'framing.truncated';

export interface FrameSinks {
  onPacket(packet: Buffer): void;
  onDrop(reason: FramingDrop): void;
  /** Called once when the stream can no longer be framed (after an oversize drop). */
  onBroken?(): void;
}

/** What a link hands incoming bytes to: a byte stream (TCP) or whole datagrams (UDP). */
export interface FrameDecoder {
  push(chunk: Buffer): void;
  /** The transport closed: anything half-received is dropped. */
  end(): void;
}

/** The largest length a u16 prefix can state; a lower limit may be configured. */
export const MAX_STREAM_PACKET_BYTES = 65_535;
const PREFIX_BYTES = 2;

export class StreamDecoder implements FrameDecoder {
  readonly #sinks: FrameSinks;
  readonly #maxPacketBytes: number;
  #chunks: Buffer[] = [];
  /** Bytes of #chunks[0] already consumed. */
  #headOffset = 0;
  #buffered = 0;
  /** Length of the frame being received, once its prefix was read. */
  #frameLength: number | undefined;
  #broken = false;

  constructor(sinks: FrameSinks, maxPacketBytes = MAX_STREAM_PACKET_BYTES) {
    this.#sinks = sinks;
    this.#maxPacketBytes = Math.min(maxPacketBytes, MAX_STREAM_PACKET_BYTES);
  }

  get isBroken(): boolean {
    return this.#broken;
  }

  /** Bytes received but not yet delivered (an unfinished frame). */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): void {
    if (this.#broken || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#frameLength === undefined) {
        if (this.#buffered < PREFIX_BYTES) return;
        const length = this.#take(PREFIX_BYTES).readUInt16BE(0);
        if (length === 0) {
          this.#sinks.onDrop('framing.zero_length');
          continue;
        }
        if (length > this.#maxPacketBytes) return this.#break();
        this.#frameLength = length;
      }
      if (this.#buffered < this.#frameLength) return;
      const packet = this.#take(this.#frameLength);
      this.#frameLength = undefined;
      this.#sinks.onPacket(packet);
      if (this.#broken) return; // a sink may not, but be safe
    }
  }

  end(): void {
    if (!this.#broken && (this.#buffered > 0 || this.#frameLength !== undefined)) this.#sinks.onDrop('framing.truncated');
    this.#reset();
  }

  #break(): void {
    this.#broken = true;
    this.#reset();
    this.#sinks.onDrop('framing.oversize');
    this.#sinks.onBroken?.();
  }

  #reset(): void {
    this.#chunks = [];
    this.#headOffset = 0;
    this.#buffered = 0;
    this.#frameLength = undefined;
  }

  /** Removes the next `length` buffered bytes (the caller checked they are there). */
  #take(length: number): Buffer {
    const head = this.#chunks[0] as Buffer;
    this.#buffered -= length;
    if (head.length - this.#headOffset >= length) {
      const view = head.subarray(this.#headOffset, this.#headOffset + length);
      this.#headOffset += length;
      if (this.#headOffset === head.length) this.#dropHead(1);
      return view;
    }
    const out = Buffer.allocUnsafe(length);
    let written = 0;
    let used = 0;
    let nextHeadOffset = 0;
    while (written < length) {
      const chunk = this.#chunks[used] as Buffer;
      const start = used === 0 ? this.#headOffset : 0;
      const n = Math.min(chunk.length - start, length - written);
      chunk.copy(out, written, start, start + n);
      written += n;
      if (start + n === chunk.length) used++;
      else nextHeadOffset = start + n;
    }
    this.#dropHead(used);
    this.#headOffset = nextHeadOffset;
    return out;
  }

  #dropHead(count: number): void {
    this.#chunks.splice(0, count);
    this.#headOffset = 0;
  }
}

export function encodeStreamFrame(packet: Buffer): Buffer {
  if (packet.length === 0 || packet.length > MAX_STREAM_PACKET_BYTES) {
    throw new BugError(`encodeStreamFrame: ${packet.length} bytes cannot be framed`);
  }
  const out = Buffer.allocUnsafe(packet.length + PREFIX_BYTES);
  out.writeUInt16BE(packet.length, 0);
  packet.copy(out, PREFIX_BYTES);
  return out;
}

/**
 * UDP: one datagram is one packet, so framing is the identity. This decoder exists only
 * so a session can treat both transports alike; an empty datagram is dropped.
 */
export class DatagramDecoder implements FrameDecoder {
  constructor(private readonly sinks: FrameSinks) {}

  push(datagram: Buffer): void {
    if (datagram.length === 0) this.sinks.onDrop('framing.zero_length');
    else this.sinks.onPacket(datagram);
  }

  end(): void {}
}
