import { BugError } from '../wire/errors';
import type { Result } from '../wire/result';
import { P_CONTROL_HARD_RESET_CLIENT_V3, P_CONTROL_WKC_V1, P_OPCODE_SHIFT } from '../packet/constants';
import type { ControlWrap, WrapDrop } from './control-wrap';
import type { NowSeconds } from './long-packet-id';
import type { TlsCryptV2ClientKey } from './static-key';
import { TlsCryptWrap } from './tls-crypt-wrap';

/**
 * The replay counter starts here so the first id on the wire is 0x0f000001: the server
 * reads the top byte 0x0f as "this client can do early negotiation" (protocol.md §2.5;
 * ovpn:ssl.c tls_session_init EARLY_NEG_START, mudp.c).
 */
export const EARLY_NEGOTIATION_PACKET_ID = 0x0f00_0000;

export interface TlsCryptV2Options {
  clientKey: TlsCryptV2ClientKey;
  nowSeconds?: NowSeconds;
}

/**
 * tls-crypt-v2 on the client: tls-crypt with the client key Kc, plus the wrapped client
 * key WKc appended in clear to P_CONTROL_HARD_RESET_CLIENT_V3 and P_CONTROL_WKC_V1
 * (retransmits included), which is how a stateless server learns Kc:
 *
 *   | tls-crypt packet (Kc) | WKc |
 *
 * The server's packets are plain tls-crypt with Kc.
 */
export class TlsCryptV2Wrap implements ControlWrap {
  readonly kind = 'tls-crypt-v2';
  readonly overheadBytes: number;
  readonly #inner: TlsCryptWrap;
  readonly #wkc: Buffer;

  constructor(options: TlsCryptV2Options);
  /** @deprecated positional form; use `{ clientKey }`. */
  constructor(clientKey: TlsCryptV2ClientKey);
  constructor(first: TlsCryptV2Options | TlsCryptV2ClientKey) {
    const options: TlsCryptV2Options = 'clientKey' in first ? first : { clientKey: first };
    if (options.clientKey.wkc.length === 0) throw new BugError('tls-crypt-v2: empty WKc');
    this.#inner = new TlsCryptWrap({
      staticKey: options.clientKey.key2, initialPacketId: EARLY_NEGOTIATION_PACKET_ID, nowSeconds: options.nowSeconds,
    });
    this.#wkc = Buffer.from(options.clientKey.wkc);
    this.overheadBytes = this.#inner.overheadBytes;
  }

  /** Extra bytes on the two opcodes that carry WKc (for tls-mtu sizing). */
  get wkcBytes(): number {
    return this.#wkc.length;
  }

  wrap(plain: Buffer): Buffer {
    const wrapped = this.#inner.wrap(plain);
    const opcode = (plain[0] ?? 0) >> P_OPCODE_SHIFT;
    if (opcode === P_CONTROL_HARD_RESET_CLIENT_V3 || opcode === P_CONTROL_WKC_V1) return Buffer.concat([wrapped, this.#wkc]);
    return wrapped;
  }

  unwrap(wire: Buffer): Result<Buffer, WrapDrop> {
    return this.#inner.unwrap(wire);
  }
}
