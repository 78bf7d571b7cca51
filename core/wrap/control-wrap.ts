import type { Result } from '../wire/result';

export type WrapDrop =
  | 'wrap.truncated'
  | 'wrap.bad_hmac'
  | 'wrap.bad_tag'
  | 'wrap.replay';

/**
 * Protection of control packets (protocol.md §2.2–§2.5). `plain` is the control packet
 * in its plain layout (op | sid | acks … | payload); `wire` is what crosses the network.
 * `wrap` must be called once per transmission: retransmits get a fresh replay id.
 */
export interface ControlWrap {
  wrap(plain: Buffer): Buffer;
  unwrap(wire: Buffer): Result<Buffer, WrapDrop>;
  /** Bytes `wrap` adds, for sizing control packets within tls-mtu. */
  readonly overheadBytes: number;
}

export const noWrap: ControlWrap = {
  wrap: (plain) => plain,
  unwrap: (wire) => ({ ok: true, value: wire }),
  overheadBytes: 0,
};
