import { BugError } from './errors';

/**
 * Builds outgoing bytes. Give the exact size when it is known (one allocation, no
 * growth); otherwise the buffer doubles as needed. Values out of range for their field
 * are our own bug, so they throw BugError rather than being silently truncated.
 */
export class ByteWriter {
  #buffer: Buffer;
  #length = 0;

  constructor(initialCapacity = 64) {
    this.#buffer = Buffer.allocUnsafe(Math.max(1, initialCapacity));
  }

  get length(): number {
    return this.#length;
  }

  u8(value: number): this {
    checkRange(value, 0xff, 'u8');
    this.#reserve(1)[this.#length++] = value;
    return this;
  }

  u16(value: number): this {
    checkRange(value, 0xffff, 'u16');
    this.#reserve(2).writeUInt16BE(value, this.#length);
    this.#length += 2;
    return this;
  }

  u32(value: number): this {
    checkRange(value, 0xffff_ffff, 'u32');
    this.#reserve(4).writeUInt32BE(value, this.#length);
    this.#length += 4;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.#reserve(data.length).set(data, this.#length);
    this.#length += data.length;
    return this;
  }

  /** The bytes written so far: a view of the internal buffer, which the writer then forgets. */
  finish(): Buffer {
    const out = this.#buffer.subarray(0, this.#length);
    this.#buffer = Buffer.alloc(0);
    this.#length = 0;
    return out;
  }

  #reserve(extra: number): Buffer {
    const needed = this.#length + extra;
    if (needed > this.#buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    return this.#buffer;
  }
}

function checkRange(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new BugError(`ByteWriter.${field}: ${value} out of range`);
}
