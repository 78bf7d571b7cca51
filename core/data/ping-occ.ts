import { OCC_EXIT, OCC_MAGIC, PING_MAGIC } from './constants';

/**
 * Keepalive pings and OCC messages travel in data packets, after compression
 * framing is removed (ovpn:ping.c, occ.c). Neither may reach the TUN device.
 */

/** The 16-byte ping payload; send it as a data packet's plaintext (framed like any packet). */
export const PING_PAYLOAD: Buffer = Buffer.from(PING_MAGIC);

export function isPing(plain: Buffer): boolean {
  return plain.length === PING_MAGIC.length && plain.equals(PING_MAGIC);
}

/** The OCC type byte (0 REQUEST, 1 REPLY, 2–5 MTU tests, 6 EXIT), or undefined for a non-OCC packet. */
export function occType(plain: Buffer): number | undefined {
  if (plain.length <= OCC_MAGIC.length) return undefined;
  return plain.compare(OCC_MAGIC, 0, OCC_MAGIC.length, 0, OCC_MAGIC.length) === 0 ? plain[OCC_MAGIC.length] : undefined;
}

/** OCC_EXIT: the server is going away (explicit-exit-notify); reconnect. */
export function isOccExit(plain: Buffer): boolean {
  return occType(plain) === OCC_EXIT;
}

/** OCC_EXIT, sent once a second for explicit-exit-notify N s when the server lacks cc-exit. */
export function encodeOccExit(): Buffer {
  const out = Buffer.allocUnsafe(OCC_MAGIC.length + 1);
  OCC_MAGIC.copy(out, 0);
  out[OCC_MAGIC.length] = OCC_EXIT;
  return out;
}
