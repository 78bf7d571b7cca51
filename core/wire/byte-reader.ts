/**
 * A cursor over received bytes whose reads return `undefined` instead of running past
 * the end (ssh2's makeBufferParser): a parser reads every field, then checks once.
 * It never relies on Node's RangeError.
 */
export class ByteReader {
  #offset = 0;

  constructor(private readonly bytes: Buffer) {}

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.bytes.length - this.#offset;
  }

  u8(): number | undefined {
    if (this.remaining < 1) return undefined;
    return this.bytes[this.#offset++];
  }

  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.bytes.readUInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  u32(): number | undefined {
    if (this.remaining < 4) return undefined;
    const value = this.bytes.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  /** A view (no copy) of the next `length` bytes. */
  bytesView(length: number): Buffer | undefined {
    if (length < 0 || this.remaining < length) return undefined;
    const view = this.bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }

  /** A view of everything left. */
  rest(): Buffer {
    const view = this.bytes.subarray(this.#offset);
    this.#offset = this.bytes.length;
    return view;
  }
}
