import { ByteReader } from '../wire/byte-reader';
import { ByteWriter } from '../wire/byte-writer';
import { BugError } from '../wire/errors';
import { err, ok, type Result } from '../wire/result';
import {
  MAX_ACKS_PER_PACKET, MESSAGE_ID_BYTES, P_ACK_V1, P_KEY_ID_MASK, SESSION_ID_BYTES, isControlOpcode,
} from './constants';
import { encodeOpcode, parseOpcode } from './opcode';
import type { PacketError } from './packet-error';

export type { PacketError } from './packet-error';

/**
 * A control packet in its plain layout, i.e. after tls-auth/tls-crypt unwrapping
 * (ovpn:ssl_pkt.c write_control_auth, reliable.c reliable_ack_write / reliable_ack_parse):
 *
 *   | op<<3|kid (1) | own session id (8) | ack count n (1, ≤ 8) | ack ids (4·n) |
 *   | remote session id (8, only if n > 0) | message id (4, absent in P_ACK_V1) | payload … |
 *
 * `sessionId` is the sender's; `remoteSessionId` echoes the receiver's and must equal it.
 * In P_ACK_V1 n > 0 and there is no message id; trailing bytes, which 2.x ignores, are
 * kept in `payload` so that parse and encode stay inverse.
 */
export interface ControlPacket {
  opcode: number;
  keyId: number;
  sessionId: Buffer;
  acks: number[];
  /** Present exactly when `acks` is not empty. */
  remoteSessionId?: Buffer;
  /** Absent only in P_ACK_V1. */
  messageId?: number;
  payload: Buffer;
}

/** Parses a plain control packet. Buffers in the result are views into `bytes`. */
export function parseControlPacket(bytes: Buffer): Result<ControlPacket, PacketError> {
  const reader = new ByteReader(bytes);
  const head = reader.u8();
  if (head === undefined) return err({ code: 'packet.truncated', field: 'opcode' });
  const { opcode, keyId } = parseOpcode(head);
  if (!isControlOpcode(opcode)) return err({ code: 'packet.bad_opcode' });
  const sessionId = reader.bytes(SESSION_ID_BYTES);
  if (sessionId === undefined) return err({ code: 'packet.truncated', field: 'session id' });
  const ackCount = reader.u8();
  if (ackCount === undefined) return err({ code: 'packet.truncated', field: 'ack count' });
  if (ackCount > MAX_ACKS_PER_PACKET) return err({ code: 'packet.too_many_acks' });
  const acks: number[] = [];
  for (let i = 0; i < ackCount; i++) {
    const id = reader.u32();
    if (id === undefined) return err({ code: 'packet.truncated', field: 'ack id' });
    acks.push(id);
  }
  let remoteSessionId: Buffer | undefined;
  if (ackCount > 0) {
    remoteSessionId = reader.bytes(SESSION_ID_BYTES);
    if (remoteSessionId === undefined) return err({ code: 'packet.truncated', field: 'remote session id' });
  }
  if (opcode === P_ACK_V1) {
    if (ackCount === 0) return err({ code: 'packet.empty_ack' });
    return ok({ opcode, keyId, sessionId, acks, remoteSessionId, payload: reader.rest() });
  }
  const messageId = reader.u32();
  if (messageId === undefined) return err({ code: 'packet.truncated', field: 'message id' });
  return ok({ opcode, keyId, sessionId, acks, remoteSessionId, messageId, payload: reader.rest() });
}

/** Serialises a control packet; a malformed one is our bug (BugError). */
export function encodeControlPacket(packet: ControlPacket): Buffer {
  checkEncodable(packet);
  const ackCount = packet.acks.length;
  const hasMessageId = packet.opcode !== P_ACK_V1;
  const size = 1 + SESSION_ID_BYTES + 1 + MESSAGE_ID_BYTES * ackCount + (ackCount > 0 ? SESSION_ID_BYTES : 0)
    + (hasMessageId ? MESSAGE_ID_BYTES : 0) + packet.payload.length;
  const writer = new ByteWriter(size).u8(encodeOpcode(packet.opcode, packet.keyId)).bytes(packet.sessionId).u8(ackCount);
  for (const id of packet.acks) writer.u32(id);
  if (ackCount > 0) writer.bytes(packet.remoteSessionId as Buffer);
  if (hasMessageId) writer.u32(packet.messageId as number);
  return writer.bytes(packet.payload).finish();
}

function checkEncodable(packet: ControlPacket): void {
  const ackCount = packet.acks.length;
  if (!isControlOpcode(packet.opcode)) throw new BugError(`control packet with opcode ${packet.opcode}`);
  if (!Number.isInteger(packet.keyId) || packet.keyId < 0 || packet.keyId > P_KEY_ID_MASK) throw new BugError(`key id ${packet.keyId}`);
  if (packet.sessionId.length !== SESSION_ID_BYTES) throw new BugError('session id must be 8 bytes');
  if (ackCount > MAX_ACKS_PER_PACKET) throw new BugError(`control packet with ${ackCount} ACKs`);
  if (ackCount > 0 && packet.remoteSessionId?.length !== SESSION_ID_BYTES) throw new BugError('ACKs need the 8-byte remote session id');
  if (packet.opcode === P_ACK_V1) {
    if (ackCount === 0) throw new BugError('P_ACK_V1 without ACKs');
    if (packet.messageId !== undefined) throw new BugError('P_ACK_V1 carries no message id');
  } else if (packet.messageId === undefined) {
    throw new BugError('control packet without message id');
  }
}
