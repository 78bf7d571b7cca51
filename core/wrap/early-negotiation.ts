import { ByteReader } from '../wire/byte-reader';
import { err, ok, type Result } from '../wire/result';

/** TLV type EARLY_NEG_FLAGS and its RESEND_WKC flag (ovpn:ssl_pkt.h, ssl.c parse_early_negotiation_tlvs). */
const TLV_EARLY_NEG_FLAGS = 0x0001;
const EARLY_NEG_FLAG_RESEND_WKC = 0x0001;

/**
 * The payload of a server's HARD_RESET_SERVER_V2 is a list of TLVs
 * (`type u16 | length u16 | value`). Empty for servers without early negotiation.
 */
export function parseEarlyNegotiationTlvs(payload: Buffer): Result<{ resendWkc: boolean }, 'wrap.bad_early_negotiation'> {
  const reader = new ByteReader(payload);
  let resendWkc = false;
  while (reader.remaining > 0) {
    const type = reader.u16();
    const length = reader.u16();
    const value = length === undefined ? undefined : reader.bytesView(length);
    if (type === undefined || value === undefined) return err('wrap.bad_early_negotiation');
    if (type === TLV_EARLY_NEG_FLAGS && value.length === 2) resendWkc = (value.readUInt16BE(0) & EARLY_NEG_FLAG_RESEND_WKC) !== 0;
  }
  return ok({ resendWkc });
}
