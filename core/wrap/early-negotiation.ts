import { ByteReader } from '../wire/byte-reader';
import { err, ok, type Result } from '../wire/result';

/** TLV type EARLY_NEG_FLAGS and its RESEND_WKC flag (ovpn:ssl_pkt.h). */
export const TLV_TYPE_EARLY_NEG_FLAGS = 0x0001;
export const EARLY_NEG_FLAG_RESEND_WKC = 0x0001;

export interface EarlyNegotiation {
  /** The server wants WKc again on our message 1: send it as P_CONTROL_WKC_V1 (§2.5). */
  resendWkc: boolean;
}

/**
 * The payload of a server's P_CONTROL_HARD_RESET_SERVER_V2 is a list of TLVs, empty for
 * servers without early negotiation (ovpn:ssl.c parse_early_negotiation_tlvs):
 *
 *   | type (2) | length (2) | value (length) | type … |
 *
 * EARLY_NEG_FLAGS must have a 2-byte value; unknown types are skipped. A truncated TLV
 * is an error, as in 2.x ("Early negotiation malformed packet").
 */
export function parseEarlyNegotiationTlvs(payload: Buffer): Result<EarlyNegotiation, 'wrap.bad_early_negotiation'> {
  const reader = new ByteReader(payload);
  let resendWkc = false;
  while (reader.remaining > 0) {
    const type = reader.u16();
    const length = reader.u16();
    const value = length === undefined ? undefined : reader.bytes(length);
    if (type === undefined || value === undefined) return err('wrap.bad_early_negotiation');
    if (type === TLV_TYPE_EARLY_NEG_FLAGS) {
      if (value.length !== 2) return err('wrap.bad_early_negotiation');
      resendWkc = (value.readUInt16BE(0) & EARLY_NEG_FLAG_RESEND_WKC) !== 0;
    }
  }
  return ok({ resendWkc });
}
