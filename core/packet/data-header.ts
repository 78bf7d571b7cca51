import { err, ok, type Result } from '../wire/result';
import { DATA_V1_HEADER_BYTES, DATA_V2_HEADER_BYTES, P_DATA_V1, P_DATA_V2, P_KEY_ID_MASK, P_OPCODE_SHIFT } from './constants';
import type { PacketError } from './packet-error';

/**
 * The clear header of a data packet (ovpn:ssl_pkt.h, ssl.c tls_prepend_opcode_v1/v2):
 *
 *   DATA_V1:  | 0x30|kid (1) | body … |
 *   DATA_V2:  | 0x48|kid (1) | peer-id (3, big-endian) | body … |
 *
 * The body (packet-id, tag, ciphertext) starts at `headerLength`; nothing is copied,
 * because this runs once per tunnelled packet. A received peer-id is informational (the
 * AEAD covers it as AAD).
 */
export interface DataHeader {
  opcode: typeof P_DATA_V1 | typeof P_DATA_V2;
  keyId: number;
  /** DATA_V2 only. */
  peerId?: number;
  headerLength: typeof DATA_V1_HEADER_BYTES | typeof DATA_V2_HEADER_BYTES;
}

export function parseDataHeader(packet: Buffer): Result<DataHeader, PacketError> {
  if (packet.length === 0) return err({ code: 'packet.truncated', field: 'opcode' });
  const head = packet[0] as number;
  const opcode = head >> P_OPCODE_SHIFT;
  const keyId = head & P_KEY_ID_MASK;
  if (opcode === P_DATA_V2) {
    if (packet.length < DATA_V2_HEADER_BYTES) return err({ code: 'packet.truncated', field: 'peer-id' });
    const peerId = ((packet[1] as number) << 16) | ((packet[2] as number) << 8) | (packet[3] as number);
    return ok({ opcode, keyId, peerId, headerLength: DATA_V2_HEADER_BYTES });
  }
  if (opcode === P_DATA_V1) return ok({ opcode, keyId, headerLength: DATA_V1_HEADER_BYTES });
  return err({ code: 'packet.bad_opcode' });
}
