// Types for the parts of lz4js (no bundled types) that tests use as a reference LZ4 implementation.
declare module 'lz4js' {
  /** Compresses src[sIndex, sIndex+sLength) into dst; returns the block length, 0 when nothing matched. */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  export function compressBound(n: number): number;
  /** Unchecked reference decoder; returns the new output index. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
