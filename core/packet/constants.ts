/**
 * Opcodes and sizes of the OpenVPN packet header (ovpn:ssl_pkt.h, protocol.md §1).
 * Byte 0 of every packet is `opcode << 3 | key_id`.
 */
export const P_OPCODE_SHIFT = 3;
export const P_KEY_ID_MASK = 0x07;

export const P_CONTROL_HARD_RESET_CLIENT_V1 = 1;
export const P_CONTROL_HARD_RESET_SERVER_V1 = 2;
export const P_CONTROL_SOFT_RESET_V1 = 3;
export const P_CONTROL_V1 = 4;
export const P_ACK_V1 = 5;
export const P_DATA_V1 = 6;
export const P_CONTROL_HARD_RESET_CLIENT_V2 = 7;
export const P_CONTROL_HARD_RESET_SERVER_V2 = 8;
export const P_DATA_V2 = 9;
export const P_CONTROL_HARD_RESET_CLIENT_V3 = 10;
export const P_CONTROL_WKC_V1 = 11;

export const SESSION_ID_BYTES = 8;
export const MESSAGE_ID_BYTES = 4;
/** A receiver rejects more ACKs than this in one packet (ovpn:reliable.h RELIABLE_ACK_SIZE). */
export const MAX_ACKS_PER_PACKET = 8;

export const CONTROL_OPCODES: ReadonlySet<number> = new Set([
  P_CONTROL_HARD_RESET_CLIENT_V1, P_CONTROL_HARD_RESET_SERVER_V1, P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_ACK_V1,
  P_CONTROL_HARD_RESET_CLIENT_V2, P_CONTROL_HARD_RESET_SERVER_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1,
]);

export function isControlOpcode(opcode: number): boolean {
  return CONTROL_OPCODES.has(opcode);
}
