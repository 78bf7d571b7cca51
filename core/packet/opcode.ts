import { P_KEY_ID_MASK, P_OPCODE_SHIFT } from './constants';

/** Splits byte 0 of a packet: `opcode << 3 | key_id` (ovpn:ssl_pkt.h). */
export function parseOpcode(byte0: number): { opcode: number; keyId: number } {
  return { opcode: (byte0 & 0xff) >> P_OPCODE_SHIFT, keyId: byte0 & P_KEY_ID_MASK };
}

/** Byte 0 for an opcode and key id; the caller guarantees both are in range. */
export function encodeOpcode(opcode: number, keyId: number): number {
  return ((opcode << P_OPCODE_SHIFT) | (keyId & P_KEY_ID_MASK)) & 0xff;
}
