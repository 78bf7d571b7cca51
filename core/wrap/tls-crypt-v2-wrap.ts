import type { Result } from '../wire/result';
import { P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1, P_OPCODE_SHIFT } from '../packet/constants';
import type { ControlWrap, WrapDrop } from './control-wrap';
import type { TlsCryptV2ClientKey } from './static-key';
import { TlsCryptWrap } from './tls-crypt-wrap';

/**
 * The replay counter starts here so the first id on the wire is 0x0f000001: the server
 * reads the top byte 0x0f as "this client can do early negotiation" (protocol.md §2.5;
 * ovpn:ssl.c tls_session_init, mudp.c).
 */
export const EARLY_NEGOTIATION_PACKET_ID = 0x0f000000;

/**
 * tls-crypt-v2 on the client: tls-crypt with the client key Kc, plus the wrapped client
 * key WKc appended in clear to P_CONTROL_HARD_RESET_CLIENT_V3 and P_CONTROL_WKC_V1, which
 * is how a stateless server learns Kc.
 */
export class TlsCryptV2Wrap implements ControlWrap {
  readonly overheadBytes: number;
  readonly #inner: TlsCryptWrap;

  constructor(private readonly clientKey: TlsCryptV2ClientKey) {
    this.#inner = new TlsCryptWrap(clientKey.key2, EARLY_NEGOTIATION_PACKET_ID);
    this.overheadBytes = this.#inner.overheadBytes;
  }

  get wkcBytes(): number {
    return this.clientKey.wkc.length;
  }

  wrap(plain: Buffer): Buffer {
    const wrapped = this.#inner.wrap(plain);
    const opcode = (plain[0] ?? 0) >> P_OPCODE_SHIFT;
    if (opcode === P_CONTROL_HARD_RESET_CLIENT_V3 || opcode === P_CONTROL_WKC_V1) return Buffer.concat([wrapped, this.clientKey.wkc]);
    return wrapped;
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    return this.#inner.unwrap(wire);
  }
}
