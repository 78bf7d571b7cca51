import type { CompressionFraming } from '../control/tunnel-config';
import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import {
  COMP_ALGV2_INDICATOR_BYTE, COMP_ALGV2_LZ4_BYTE, COMP_ALGV2_UNCOMPRESSED_BYTE, DEFAULT_MAX_DECOMPRESSED_BYTES,
  LZ4_COMPRESS_BYTE, LZO_COMPRESS_BYTE, NO_COMPRESS_BYTE, NO_COMPRESS_BYTE_SWAP,
} from './constants';
import type { DataDrop } from './data-cipher';
import { decompressLz4Block } from './lz4-block';
import { decompressLzo1x } from './lzo1x';

export type { CompressionFraming } from '../control/tunnel-config';

/**
 * Compression framing around every data-channel plaintext, pings and OCC
 * included (ovpn:comp.h, compstub.c, comp-lz4.c, lzo.c):
 *
 *   framing   we send (never compressed)         may receive compressed
 *   none      packet                             —
 *   lzo       FA ‖ packet                        66 ‖ LZO1X
 *   stub      swap: FB at [0], old [0] at end    —
 *   lz4       swap with FB                       swap with 69 ‖ LZ4 block
 *   stub-v2   packet; 50 00 ‖ packet if [0]=50   —
 *   lz4-v2    as stub-v2                         50 01 ‖ LZ4 block
 *
 * `comp-lzo no` is `lzo` (FA), `compress` is `stub` (swapped FB): mixing them
 * up breaks every packet. Empty packets pass unframed both ways.
 */
export function encodeCompressionFraming(framing: CompressionFraming, packet: Buffer): Buffer {
  if (packet.length === 0) return packet;
  switch (framing) {
    case 'none':
      return packet;
    case 'lzo': {
      const out = Buffer.allocUnsafe(packet.length + 1);
      out[0] = NO_COMPRESS_BYTE;
      packet.copy(out, 1);
      return out;
    }
    case 'stub':
    case 'lz4': {
      const out = Buffer.allocUnsafe(packet.length + 1);
      packet.copy(out, 1, 1);
      out[0] = NO_COMPRESS_BYTE_SWAP;
      out[packet.length] = packet[0] ?? 0;
      return out;
    }
    case 'stub-v2':
    case 'lz4-v2': {
      if (packet[0] !== COMP_ALGV2_INDICATOR_BYTE) return packet; // the common case: no copy
      const out = Buffer.allocUnsafe(packet.length + 2);
      out[0] = COMP_ALGV2_INDICATOR_BYTE;
      out[1] = COMP_ALGV2_UNCOMPRESSED_BYTE;
      packet.copy(out, 2);
      return out;
    }
  }
}

export interface DecompressOptions {
  /**
   * Whether the peer may send compressed packets (`allow-compression asym|yes`).
   * With the 2.6 default (`no`) compressed packets are dropped.
   */
  allowDecompression: boolean;
  /** Cap on a decompressed packet; default 2 × IV_MTU. */
  maxBytes?: number;
}

/** Removes the framing of a decrypted plaintext (swap framings restore it in place); decompresses when allowed. */
export function decodeCompressionFraming(
  framing: CompressionFraming, plain: Buffer, options: DecompressOptions,
): Result<Buffer, DataDrop> {
  if (plain.length === 0 || framing === 'none') return ok(plain);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  switch (framing) {
    case 'lzo': {
      const head = plain[0];
      const body = plain.subarray(1);
      if (head === NO_COMPRESS_BYTE) return ok(body);
      if (head !== LZO_COMPRESS_BYTE) return err('data.bad_compression_header');
      return decompress(options, () => decompressLzo1x(body, maxBytes));
    }
    case 'stub':
    case 'lz4': {
      const head = plain[0];
      const body = unswap(plain);
      if (head === NO_COMPRESS_BYTE_SWAP) return ok(body);
      if (framing === 'lz4' && head === LZ4_COMPRESS_BYTE) {
        return decompress(options, () => decompressLz4Block(body, maxBytes));
      }
      return err('data.bad_compression_header');
    }
    case 'stub-v2':
    case 'lz4-v2':
      return decodeV2(framing, plain, options, maxBytes);
  }
}

function decodeV2(framing: 'stub-v2' | 'lz4-v2', plain: Buffer, options: DecompressOptions, maxBytes: number): Result<Buffer, DataDrop> {
  if (plain[0] !== COMP_ALGV2_INDICATOR_BYTE) return ok(plain);
  if (plain.length < 2) return err('data.bad_compression_header');
  const algorithm = plain[1];
  const body = plain.subarray(2);
  if (algorithm === COMP_ALGV2_UNCOMPRESSED_BYTE) return ok(body);
  if (framing === 'lz4-v2' && algorithm === COMP_ALGV2_LZ4_BYTE) {
    return decompress(options, () => decompressLz4Block(body, maxBytes));
  }
  return err('data.bad_compression_header');
}

/** Swap framing: byte 0 is the header, the packet's real first byte sits at the end. In place, like 2.x. */
function unswap(plain: Buffer): Buffer {
  const last = plain.length - 1;
  plain[0] = plain[last] ?? 0;
  return plain.subarray(0, last);
}

function decompress(options: DecompressOptions, run: () => Buffer | null): Result<Buffer, DataDrop> {
  if (!options.allowDecompression) return err('data.compression_not_allowed');
  // null: malformed, or larger than maxBytes (the decoders stop there).
  const out = run();
  return out === null ? err('data.decompress_failed') : ok(out);
}
