/**
 * LZO1X decompression (what `comp-lzo`/`compress lzo` peers send, made by
 * lzo1x_1_15_compress), bounds-checked: malformed input, a distance before the
 * start, or output beyond `maxBytes` gives null. Written from the prose
 * description of the bitstream in the Linux kernel's
 * Documentation/staging/lzo.rst ("LZO stream format as understood by Linux's
 * LZO decompressor"):
 *
 *   first byte 18..255: copy (byte-17) literals; state = that count (4 if ≥ 4)
 *   0000XXXX, state 0:   literal run of 3 + (L or 15 + ext) bytes; state = 4
 *   0000DDSS, state 1-3: copy 2 bytes, distance (H<<2)+D+1, next byte H
 *   0000DDSS, state 4:   copy 3 bytes, distance (H<<2)+D+2049, next byte H
 *   0001HLLL + LE16:     copy 2+(L or 7+ext) bytes, distance 16384+(H<<14)+(LE16>>2);
 *                        distance 16384 = end of stream
 *   001LLLLL + LE16:     copy 2+(L or 31+ext) bytes, distance (LE16>>2)+1
 *   01LDDDSS + H:        copy 3+L bytes, distance (H<<3)+D+1
 *   1LLDDDSS + H:        copy 5+L bytes, distance (H<<3)+D+1
 *
 * After a copy, S (the low 2 bits of the instruction or of LE16) literals
 * follow and become the state. "ext" = 255 per zero byte + the first non-zero byte.
 */
export function decompressLzo1x(input: Buffer, maxBytes: number): Buffer | null {
  const state: Decoder = { input, out: Buffer.allocUnsafe(maxBytes), ip: 0, op: 0 };
  let literalsState = 0;
  const first = input[0];
  if (first === undefined) return null;
  if (first > 17) {
    state.ip = 1;
    const count = first - 17;
    if (!copyLiterals(state, count)) return null;
    literalsState = count < 4 ? count : 4;
  }
  for (;;) {
    if (state.ip >= input.length) return null; // ran out before the end-of-stream marker
    const t = input[state.ip++] ?? 0;
    let length: number;
    let distance: number;
    let next: number;
    if (t < 16) {
      if (literalsState === 0) {
        const run = t === 0 ? extendedLength(state, 15) : t;
        if (run === null || !copyLiterals(state, run + 3)) return null;
        literalsState = 4;
        continue;
      }
      const h = readByte(state);
      if (h === null) return null;
      length = literalsState === 4 ? 3 : 2;
      distance = (h << 2) + (t >> 2) + (literalsState === 4 ? 2049 : 1);
      next = t & 3;
    } else if (t < 64) {
      const long = t < 32;
      const bits = long ? 7 : 31;
      const base = (t & bits) === 0 ? extendedLength(state, bits) : t & bits;
      const le16 = readLe16(state);
      if (base === null || le16 === null) return null;
      length = base + 2;
      distance = long ? 16384 + ((t & 8) << 11) + (le16 >> 2) : (le16 >> 2) + 1;
      if (long && distance === 16384) return state.ip === input.length ? state.out.subarray(0, state.op) : null;
      next = le16 & 3;
    } else {
      const h = readByte(state);
      if (h === null) return null;
      length = t < 128 ? 3 + ((t >> 5) & 1) : 5 + ((t >> 5) & 3);
      distance = (h << 3) + ((t >> 2) & 7) + 1;
      next = t & 3;
    }
    if (!copyMatch(state, distance, length) || !copyLiterals(state, next)) return null;
    literalsState = next;
  }
}

interface Decoder {
  input: Buffer;
  out: Buffer;
  ip: number;
  op: number;
}

function readByte(state: Decoder): number | null {
  if (state.ip >= state.input.length) return null;
  return state.input[state.ip++] ?? null;
}

function readLe16(state: Decoder): number | null {
  if (state.ip + 2 > state.input.length) return null;
  const value = (state.input[state.ip] ?? 0) | ((state.input[state.ip + 1] ?? 0) << 8);
  state.ip += 2;
  return value;
}

/** `bits` (all ones) + 255 per zero byte + the first non-zero byte. */
function extendedLength(state: Decoder, bits: number): number | null {
  let length = bits;
  for (;;) {
    const byte = readByte(state);
    if (byte === null) return null;
    if (byte !== 0) return length + byte;
    length += 255;
    if (length > state.out.length) return null; // cannot fit anyway; stop early
  }
}

function copyLiterals(state: Decoder, count: number): boolean {
  if (state.ip + count > state.input.length || state.op + count > state.out.length) return false;
  state.input.copy(state.out, state.op, state.ip, state.ip + count);
  state.ip += count;
  state.op += count;
  return true;
}

function copyMatch(state: Decoder, distance: number, length: number): boolean {
  if (distance > state.op || state.op + length > state.out.length) return false;
  const out = state.out;
  // Byte by byte: a match may overlap the bytes it produces.
  for (let from = state.op - distance, end = state.op + length; state.op < end;) out[state.op++] = out[from++] ?? 0;
  return true;
}
