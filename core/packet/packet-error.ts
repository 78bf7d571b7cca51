/**
 * Why a packet could not be parsed. Never thrown: returned in a Result, and the session
 * counts it as a drop by `code`.
 */
export type PacketErrorCode =
  | 'packet.truncated'
  | 'packet.bad_opcode'
  | 'packet.too_many_acks'
  | 'packet.empty_ack';

export interface PacketError {
  code: PacketErrorCode;
  /** The field that failed, for logs ("remote session id"). */
  field?: string;
}
