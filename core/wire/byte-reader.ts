/**
 * A cursor over received bytes whose reads return `undefined` instead of running past
 * the end (ssh2's makeBufferParser): a parser reads every field, then checks once.
 * It never throws and never relies on Node's RangeError.
 *
 * `bytes` and `rest` return views (no copy) into the buffer being read: copy what must
 * outlive it.
 */
export class ByteReader {
  readonly #buffer: Buffer;
  #offset: number;

  constructor(buffer: Buffer, offset = 0) {
    this.#buffer = buffer;
    this.#offset = Math.min(Math.max(0, offset), buffer.length);
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#buffer.length - this.#offset;
  }

  u8(): number | undefined {
    if (this.remaining < 1) return undefined;
    return this.#buffer[this.#offset++];
  }

  u16(): number | undefined {
    if (this.remaining < 2) return undefined;
    const value = this.#buffer.readUInt16BE(this.#offset);
    this.#offset += 2;
    return value;
  }

  u32(): number | undefined {
    if (this.remaining < 4) return undefined;
    const value = this.#buffer.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  /** A view of the next `length` bytes; undefined (and nothing consumed) if fewer are left. */
  bytes(length: number): Buffer | undefined {
    if (!Number.isInteger(length) || length < 0 || this.remaining < length) return undefined;
    const view = this.#buffer.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }

  /** A view of everything left (possibly empty). */
  rest(): Buffer {
    const view = this.#buffer.subarray(this.#offset);
    this.#offset = this.#buffer.length;
    return view;
  }
}
