import { ByteReader } from '../wire/byte-reader';
import { BugError } from '../wire/errors';
import { err, ok, type Result } from '../wire/result';
import {
  MAX_ACKS_PER_PACKET, MESSAGE_ID_BYTES, P_ACK_V1, P_KEY_ID_MASK, P_OPCODE_SHIFT, SESSION_ID_BYTES, isControlOpcode,
} from './constants';

/**
 * A control packet as it is after unwrapping (ovpn:ssl_pkt.c write_control_auth, reliable.c):
 *
 *   | op|kid (1) | own session id (8) | ack count n (1) | ack ids (4·n) |
 *   | remote session id (8, only if n > 0) | message id (4, absent in P_ACK_V1) | payload … |
 */
export interface ControlPacket {
  opcode: number;
  keyId: number;
  sessionId: Buffer;
  acks: number[];
  remoteSessionId?: Buffer;
  /** Absent only in P_ACK_V1. */
  messageId?: number;
  payload: Buffer;
}

export type PacketError = { code: 'packet.truncated' | 'packet.bad_opcode' | 'packet.too_many_acks' | 'packet.empty_ack'; field?: string };

export function parseControlPacket(bytes: Buffer): Result<ControlPacket, PacketError> {
  const reader = new ByteReader(bytes);
  const head = reader.u8();
  if (head === undefined) return err({ code: 'packet.truncated', field: 'opcode' });
  const opcode = head >> P_OPCODE_SHIFT;
  if (!isControlOpcode(opcode)) return err({ code: 'packet.bad_opcode' });
  const sessionId = reader.bytesView(SESSION_ID_BYTES);
  const ackCount = reader.u8();
  if (sessionId === undefined || ackCount === undefined) return err({ code: 'packet.truncated', field: 'session id' });
  if (ackCount > MAX_ACKS_PER_PACKET) return err({ code: 'packet.too_many_acks' });
  const acks: number[] = [];
  for (let i = 0; i < ackCount; i++) {
    const id = reader.u32();
    if (id === undefined) return err({ code: 'packet.truncated', field: 'ack id' });
    acks.push(id);
  }
  const remoteSessionId = ackCount > 0 ? reader.bytesView(SESSION_ID_BYTES) : undefined;
  if (ackCount > 0 && remoteSessionId === undefined) return err({ code: 'packet.truncated', field: 'remote session id' });
  if (opcode === P_ACK_V1) {
    if (ackCount === 0) return err({ code: 'packet.empty_ack' });
    return ok({ opcode, keyId: head & P_KEY_ID_MASK, sessionId, acks, remoteSessionId, payload: reader.rest() });
  }
  const messageId = reader.u32();
  if (messageId === undefined) return err({ code: 'packet.truncated', field: 'message id' });
  return ok({ opcode, keyId: head & P_KEY_ID_MASK, sessionId, acks, remoteSessionId, messageId, payload: reader.rest() });
}

export function encodeControlPacket(packet: ControlPacket): Buffer {
  const ackCount = packet.acks.length;
  if (ackCount > MAX_ACKS_PER_PACKET) throw new BugError(`control packet with ${ackCount} ACKs`);
  if (packet.sessionId.length !== SESSION_ID_BYTES) throw new BugError('session id must be 8 bytes');
  if (ackCount > 0 && packet.remoteSessionId?.length !== SESSION_ID_BYTES) throw new BugError('ACKs need the remote session id');
  const hasMessageId = packet.opcode !== P_ACK_V1;
  if (hasMessageId && packet.messageId === undefined) throw new BugError('control packet without message id');
  const size = 1 + SESSION_ID_BYTES + 1 + 4 * ackCount + (ackCount > 0 ? SESSION_ID_BYTES : 0)
    + (hasMessageId ? MESSAGE_ID_BYTES : 0) + packet.payload.length;
  const out = Buffer.allocUnsafe(size);
  let offset = out.writeUInt8((packet.opcode << P_OPCODE_SHIFT) | (packet.keyId & P_KEY_ID_MASK), 0);
  offset += packet.sessionId.copy(out, offset);
  offset = out.writeUInt8(ackCount, offset);
  for (const id of packet.acks) offset = out.writeUInt32BE(id, offset);
  if (ackCount > 0 && packet.remoteSessionId) offset += packet.remoteSessionId.copy(out, offset);
  if (hasMessageId) offset = out.writeUInt32BE(packet.messageId as number, offset);
  packet.payload.copy(out, offset);
  return out;
}
