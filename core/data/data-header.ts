import { BugError } from '../wire/errors';
import {
  DATA_V1_HEADER_BYTES, DATA_V2_HEADER_BYTES, P_DATA_V1, P_DATA_V2, P_KEY_ID_MASK, P_OPCODE_SHIFT,
} from './constants';

/**
 * The clear header in front of every data packet (ovpn:ssl_pkt.h, ssl.c tls_prepend_opcode_v2):
 *
 *   DATA_V1:  [0x30 | key_id]
 *   DATA_V2:  [0x48 | key_id] [peer-id, 24 bit big-endian]
 */
export function dataHeaderBytes(peerId: number | undefined): number {
  return peerId === undefined ? DATA_V1_HEADER_BYTES : DATA_V2_HEADER_BYTES;
}

/** Writes the header at offset 0 of `out`; returns its length. */
export function writeDataHeader(out: Buffer, keyId: number, peerId: number | undefined): number {
  if (keyId < 0 || keyId > P_KEY_ID_MASK) throw new BugError(`data: key id ${keyId} out of range`);
  if (peerId === undefined) {
    out[0] = (P_DATA_V1 << P_OPCODE_SHIFT) | keyId;
    return DATA_V1_HEADER_BYTES;
  }
  if (peerId < 0 || peerId > 0xffffff) throw new BugError(`data: peer-id ${peerId} out of range`);
  out.writeUInt32BE((((P_DATA_V2 << P_OPCODE_SHIFT) | keyId) << 24 | peerId) >>> 0, 0);
  return DATA_V2_HEADER_BYTES;
}

/** Header length of a received packet, or null when its opcode is not a data opcode. */
export function readDataHeaderBytes(packet: Buffer): number | null {
  const opcode = (packet[0] ?? 0) >> P_OPCODE_SHIFT;
  if (packet.length === 0) return null;
  if (opcode === P_DATA_V2) return DATA_V2_HEADER_BYTES;
  if (opcode === P_DATA_V1) return DATA_V1_HEADER_BYTES;
  return null;
}

/** Key id of a received data packet (low 3 bits of byte 0); session/ picks the cipher by it. */
export function readDataKeyId(packet: Buffer): number {
  return (packet[0] ?? 0) & P_KEY_ID_MASK;
}
