import { timingSafeEqual } from 'node:crypto';

/** Hex to bytes, ignoring white space (fixtures are written in readable columns). */
export function fromHex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Compares secrets (HMACs, tags) in constant time; different lengths are simply unequal. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
