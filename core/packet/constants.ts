/**
 * Opcodes and sizes of the OpenVPN packet header (ovpn:ssl_pkt.h, reliable.h;
 * protocol.md §1–§2). Byte 0 of every packet is `opcode << 3 | key_id`.
 */
export const P_OPCODE_SHIFT = 3;
export const P_KEY_ID_MASK = 0x07;

/** Key method 1; obsolete, 2.x rejects them (below P_FIRST_OPCODE). */
export const P_CONTROL_HARD_RESET_CLIENT_V1 = 1;
export const P_CONTROL_HARD_RESET_SERVER_V1 = 2;
/** Starts a renegotiation on a new key_id. */
export const P_CONTROL_SOFT_RESET_V1 = 3;
/** Reliable control message (TLS ciphertext). */
export const P_CONTROL_V1 = 4;
/** ACKs only: no message id, no payload. */
export const P_ACK_V1 = 5;
/** Data without peer-id. */
export const P_DATA_V1 = 6;
/** The client's first packet, and the server's answer. */
export const P_CONTROL_HARD_RESET_CLIENT_V2 = 7;
export const P_CONTROL_HARD_RESET_SERVER_V2 = 8;
/** Data with a 24-bit peer-id. */
export const P_DATA_V2 = 9;
/** The client's first packet with tls-crypt-v2 (WKc appended after wrapping). */
export const P_CONTROL_HARD_RESET_CLIENT_V3 = 10;
/** P_CONTROL_V1 with WKc appended (tls-crypt-v2 RESEND_WKC). */
export const P_CONTROL_WKC_V1 = 11;

/** The opcodes 2.x accepts. */
export const P_FIRST_OPCODE = 3;
export const P_LAST_OPCODE = 11;

/** Session ids are 8 random bytes (ovpn:session_id.h SID_SIZE). */
export const SESSION_ID_BYTES = 8;
/** Reliable message ids and ACKed ids are u32 (ovpn:packet_id.h packet_id_type). */
export const MESSAGE_ID_BYTES = 4;
/** A receiver rejects more ACKs than this in one packet (ovpn:reliable.h RELIABLE_ACK_SIZE). */
export const MAX_ACKS_PER_PACKET = 8;
/** DATA_V2 carries a 24-bit peer-id after the opcode byte (ovpn:ssl_pkt.h). */
export const PEER_ID_BYTES = 3;
/** "No peer-id assigned" on the wire (pushed `peer-id -1`). */
export const PEER_ID_UNDEF = 0xff_ffff;
export const DATA_V1_HEADER_BYTES = 1;
export const DATA_V2_HEADER_BYTES = 1 + PEER_ID_BYTES;

const CONTROL_OPCODES: ReadonlySet<number> = new Set([
  P_CONTROL_SOFT_RESET_V1, P_CONTROL_V1, P_ACK_V1, P_CONTROL_HARD_RESET_CLIENT_V2,
  P_CONTROL_HARD_RESET_SERVER_V2, P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1,
]);

/** Control opcodes 2.x accepts (3–5, 7, 8, 10, 11); the key-method-1 resets are not among them. */
export function isControlOpcode(opcode: number): boolean {
  return CONTROL_OPCODES.has(opcode);
}

export function isDataOpcode(opcode: number): boolean {
  return opcode === P_DATA_V1 || opcode === P_DATA_V2;
}

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  [P_CONTROL_HARD_RESET_CLIENT_V1]: 'P_CONTROL_HARD_RESET_CLIENT_V1',
  [P_CONTROL_HARD_RESET_SERVER_V1]: 'P_CONTROL_HARD_RESET_SERVER_V1',
  [P_CONTROL_SOFT_RESET_V1]: 'P_CONTROL_SOFT_RESET_V1',
  [P_CONTROL_V1]: 'P_CONTROL_V1',
  [P_ACK_V1]: 'P_ACK_V1',
  [P_DATA_V1]: 'P_DATA_V1',
  [P_CONTROL_HARD_RESET_CLIENT_V2]: 'P_CONTROL_HARD_RESET_CLIENT_V2',
  [P_CONTROL_HARD_RESET_SERVER_V2]: 'P_CONTROL_HARD_RESET_SERVER_V2',
  [P_DATA_V2]: 'P_DATA_V2',
  [P_CONTROL_HARD_RESET_CLIENT_V3]: 'P_CONTROL_HARD_RESET_CLIENT_V3',
  [P_CONTROL_WKC_V1]: 'P_CONTROL_WKC_V1',
};

/** The OpenVPN name of an opcode, for logs (`P_UNKNOWN(n)` otherwise). */
export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `P_UNKNOWN(${opcode})`;
}
