/**
 * TCP framing: every OpenVPN packet is preceded by its length as a u16, big-endian,
 * the prefix itself not counted (protocol.md §1; ovpn:socket.c stream_buf_*).
 *
 *   | length (2) | packet (length bytes) | length (2) | packet … |
 *
 * A zero length is dropped and the stream goes on; a length above the limit means the
 * stream lost its framing (or the peer is not OpenVPN), so everything after is garbage:
 * the decoder reports it and stops accepting bytes.
 */
export interface StreamDecoderSinks {
  onPacket(packet: Buffer): void;
  onDrop(reason: 'framing.zero_length' | 'framing.oversize'): void;
  /** Called once when the stream can no longer be framed. */
  onBroken?(): void;
}

/** The largest packet 2.x accepts on a stream (a u16 can say more). */
export const MAX_STREAM_PACKET_BYTES = 65_535;

export class StreamDecoder {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #broken = false;

  constructor(private readonly sinks: StreamDecoderSinks, private readonly maxPacketBytes = MAX_STREAM_PACKET_BYTES) {}

  get isBroken(): boolean {
    return this.#broken;
  }

  push(chunk: Buffer): void {
    if (this.#broken || chunk.length === 0) return;
    // Common case: nothing pending, so frame straight out of the chunk without copying.
    let data = this.#pendingBytes === 0 ? chunk : Buffer.concat([...this.#pending, chunk], this.#pendingBytes + chunk.length);
    this.#pending = [];
    this.#pendingBytes = 0;
    let offset = 0;
    while (data.length - offset >= 2) {
      const length = data.readUInt16BE(offset);
      if (length === 0) {
        this.sinks.onDrop('framing.zero_length');
        offset += 2;
        continue;
      }
      if (length > this.maxPacketBytes) {
        this.#broken = true;
        this.sinks.onDrop('framing.oversize');
        this.sinks.onBroken?.();
        return;
      }
      if (data.length - offset - 2 < length) break;
      this.sinks.onPacket(data.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    if (offset < data.length) {
      data = data.subarray(offset);
      // Keep our own copy: the caller may reuse its buffer.
      this.#pending = [Buffer.from(data)];
      this.#pendingBytes = data.length;
    }
  }
}

export function encodeStreamFrame(packet: Buffer): Buffer {
  const out = Buffer.allocUnsafe(packet.length + 2);
  out.writeUInt16BE(packet.length, 0);
  packet.copy(out, 2);
  return out;
}
