/**
 * Decompresses one raw LZ4 block (no frame header), bounds-checked: malformed
 * input or output beyond `maxBytes` gives null instead of garbage. Format
 * (lz4 block spec): sequences of
 *
 *   token (literal length:4 | match length:4), [length bytes…], literals,
 *   offset (LE16, 1..produced so far), [length bytes…]
 *
 * a 15 nibble continues with bytes added until one is below 255; match
 * length is nibble + 4; the last sequence has literals only.
 *
 * Written here rather than using lz4js.decompressBlock, which does no bounds
 * checks (a bad offset reads as zeros, a bad length runs past the input).
 */
export function decompressLz4Block(input: Buffer, maxBytes: number): Buffer | null {
  const out = Buffer.allocUnsafe(maxBytes);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const token = input[ip++] ?? 0;
    let literals = token >>> 4;
    if (literals === 15) {
      const extra = readLength(input, ip);
      if (extra === null) return null;
      literals += extra.value;
      ip = extra.next;
    }
    if (ip + literals > input.length || op + literals > maxBytes) return null;
    input.copy(out, op, ip, ip + literals);
    ip += literals;
    op += literals;
    if (ip === input.length) break; // the last sequence ends after its literals
    if (ip + 2 > input.length) return null;
    const offset = (input[ip] ?? 0) | ((input[ip + 1] ?? 0) << 8);
    ip += 2;
    if (offset === 0 || offset > op) return null;
    let matchLength = token & 15;
    if (matchLength === 15) {
      const extra = readLength(input, ip);
      if (extra === null) return null;
      matchLength += extra.value;
      ip = extra.next;
    }
    matchLength += 4;
    if (op + matchLength > maxBytes) return null;
    // Byte by byte: the match may overlap the bytes it produces (offset < length).
    for (let from = op - offset, end = op + matchLength; op < end;) out[op++] = out[from++] ?? 0;
  }
  return out.subarray(0, op);
}

function readLength(input: Buffer, start: number): { value: number; next: number } | null {
  let value = 0;
  let ip = start;
  for (;;) {
    if (ip >= input.length) return null;
    const byte = input[ip++] ?? 0;
    value += byte;
    if (byte !== 255) return { value, next: ip };
  }
}
