import { TAP_MTU_EXTRA_BYTES } from '../config/constants';
import type { CompressionFraming } from '../control/tunnel-config';
import { AEAD_SUITES, CBC_SUITES, HMAC_DIGESTS, cbcBlockBytes } from './cipher-suites';

export interface MssLimitInput {
  mssfix: { bytes: number; mode: 'default' | 'payload' | 'mtu' | 'fixed' };
  /** The negotiated data-channel cipher (canonical name) and, for CBC, the `auth` digest. */
  cipher: string;
  auth: string;
  /** P_DATA_V2 (a pushed peer-id) carries 3 more header bytes than P_DATA_V1. */
  peerId: boolean;
  /** 2.7's epoch format: an 8-byte packet id (epoch ‖ counter) instead of 4 (ovpn:mtu.c calc_packet_id_size_dc). */
  epochFormat?: boolean;
  compression: CompressionFraming;
  transport: 'udp' | 'tcp';
  /** The outer packets' IP family (for `mssfix N mtu`). */
  family: 4 | 6;
  /** tap: frames carry an Ethernet header, for which 2.x reserves tun-mtu-extra (32) bytes. */
  device?: 'tun' | 'tap';
}

const PACKET_ID_BYTES = 4;
const EPOCH_PACKET_ID_BYTES = 8;
const AEAD_TAG_BYTES = 16;
const IP_TCP_HEADERS_BYTES = 40;

/**
 * The largest TCP MSS whose segment, once framed, encrypted and wrapped, keeps the
 * packet within `mssfix` bytes (ovpn:mss.c frame_calculate_mssfix): undefined when
 * mssfix is off or the cipher unknown. The figure is for IPv4 inside; IPv6 is 20 less.
 */
export function mssLimit(input: MssLimitInput): number | undefined {
  const { mssfix } = input;
  if (mssfix.bytes <= 0) return undefined;
  if (mssfix.mode === 'fixed') return mssfix.bytes - IP_TCP_HEADERS_BYTES;
  const crypto = cryptoOverhead(input.cipher, input.auth, input.epochFormat ?? false);
  if (!crypto) return undefined;
  const opcode = input.peerId ? 4 : 1;
  const tcpLength = input.transport === 'tcp' ? 2 : 0;
  // 2.6's default ("1492 mtu") and `mtu` count the outer IP and UDP/TCP headers too.
  const withHeaders = mssfix.mode === 'mtu' || mssfix.mode === 'default';
  const encapsulation = withHeaders ? (input.family === 4 ? 20 : 40) + (input.transport === 'udp' ? 8 : 20) : 0;
  const target = mssfix.bytes - (opcode + tcpLength + crypto.header + encapsulation);
  // CBC pads to whole blocks (at least one byte): round down, less one.
  const payload = crypto.blockBytes ? Math.floor(target / crypto.blockBytes) * crypto.blockBytes - 1 : target;
  const framing = ['lzo', 'stub', 'lz4'].includes(input.compression) ? 1 : 0;
  const ethernet = input.device === 'tap' ? TAP_MTU_EXTRA_BYTES : 0;
  const limit = payload - crypto.payload - framing - ethernet - IP_TCP_HEADERS_BYTES;
  return limit > 0 ? limit : undefined;
}

/** Bytes the cipher adds in the clear header, inside the encrypted payload, and its block size. */
function cryptoOverhead(cipher: string, auth: string, epochFormat: boolean): { header: number; payload: number; blockBytes: number } | undefined {
  if (AEAD_SUITES[cipher]) return { header: (epochFormat ? EPOCH_PACKET_ID_BYTES : PACKET_ID_BYTES) + AEAD_TAG_BYTES, payload: 0, blockBytes: 0 };
  const digest = HMAC_DIGESTS[auth];
  const cbc = CBC_SUITES[cipher];
  // CBC: IV (one block) and HMAC in the clear; the packet id travels encrypted, in the payload.
  if (cbc && digest) return { header: cbcBlockBytes(cbc) + digest.bytes, payload: PACKET_ID_BYTES, blockBytes: cbcBlockBytes(cbc) };
  return undefined;
}
