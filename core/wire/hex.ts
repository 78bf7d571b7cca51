import { timingSafeEqual } from 'node:crypto';
import { BugError } from './errors';

/** Bytes as lower-case hex, for logs of non-secret values and for fixtures. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * Hex to bytes, ignoring white space (fixtures are written in readable columns).
 * Meant for our own constants and fixtures: anything that is not hex is a bug of ours,
 * so it throws BugError (Buffer.from would silently stop at the first bad character).
 * Untrusted text goes through a parser that returns a Result instead.
 */
export function fromHex(text: string): Buffer {
  const digits = text.replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new BugError('fromHex: not an even run of hex digits');
  return Buffer.from(digits, 'hex');
}

/** Compares secrets (HMACs, tags) in constant time; different lengths are simply unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
