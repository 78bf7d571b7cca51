/**
 * Data-channel constants. Opcodes are defined here again (not imported from
 * core/packet) so that the data path stays independent of the control codec.
 */

/** Opcodes (byte 0 = opcode << 3 | key_id; ovpn:ssl_pkt.h). */
export const P_DATA_V1 = 6;
export const P_DATA_V2 = 9;
export const P_OPCODE_SHIFT = 3;
export const P_KEY_ID_MASK = 0x07;

/** DATA_V2 header: opcode/key-id byte + 24-bit peer-id. */
export const DATA_V2_HEADER_BYTES = 4;
export const DATA_V1_HEADER_BYTES = 1;

/** TLS-mode packet-id: 4 bytes, from 1, per key and direction (ovpn:packet_id.h, crypto.c). */
export const PACKET_ID_BYTES = 4;
/** Renegotiate before the send packet-id reaches this (ovpn:ssl.c should_trigger_renegotiation). */
export const PACKET_ID_RENEGOTIATE_AT = 0xff000000;
export const PACKET_ID_MAX = 0xffffffff;

/** `replay-window 64` (ovpn:packet_id.h DEFAULT_SEQ_BACKTRACK). */
export const REPLAY_WINDOW_SIZE = 64;

/** AEAD: 16-byte tag; nonce = packet-id(4) ‖ implicit IV(8) from K.hmac (ovpn:crypto.c openvpn_encrypt_aead). */
export const AEAD_TAG_BYTES = 16;
export const AEAD_IMPLICIT_IV_BYTES = 8;
export const AEAD_NONCE_BYTES = 12;

/** Keepalive ping payload, framed and encrypted like any packet (ovpn:ping.c ping_string). */
export const PING_MAGIC = Buffer.from('2a187bf3641eb4cb07ed2d0a981fc748', 'hex');

/** OCC message = magic ‖ type byte (ovpn:occ.h). */
export const OCC_MAGIC = Buffer.from('287f346bd4ef7a812d56b8d3afc5459c', 'hex');
export const OCC_REQUEST = 0;
export const OCC_REPLY = 1;
export const OCC_EXIT = 6;

/** Compression framing bytes (ovpn:comp.h). */
export const LZO_COMPRESS_BYTE = 0x66;
export const LZ4_COMPRESS_BYTE = 0x69;
export const NO_COMPRESS_BYTE = 0xfa;
export const NO_COMPRESS_BYTE_SWAP = 0xfb;
export const COMP_ALGV2_INDICATOR_BYTE = 0x50;
export const COMP_ALGV2_UNCOMPRESSED_BYTE = 0;
export const COMP_ALGV2_LZ4_BYTE = 1;
export const COMP_ALGV2_LZO_BYTE = 2;
export const COMP_ALGV2_SNAPPY_BYTE = 3;

/** Largest decompressed packet we accept by default: 2 × IV_MTU. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 3200;
