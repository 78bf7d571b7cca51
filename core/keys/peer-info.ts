/**
 * IV_PROTO bits a client announces in its peer-info (ovpn:ssl.h; ov3:openvpn/ssl/proto.hpp).
 * Announce a bit only once the feature is implemented: the server acts on it.
 */
export const IV_PROTO = {
  /** Bit 0 is reserved; old servers test IV_PROTO >= 2, so DATA_V2 is always set. */
  DATA_V2: 1 << 1,
  /** The server may send PUSH_REPLY without waiting for PUSH_REQUEST. */
  REQUEST_PUSH: 1 << 2,
  /** TLS-EKM data-channel keys (`key-derivation tls-ekm`). */
  TLS_KEY_EXPORT: 1 << 3,
  /** AUTH_PENDING with keywords (timeout N). */
  AUTH_PENDING_KW: 1 << 4,
  /** Peer-to-peer NCP; never for pull clients. */
  NCP_P2P: 1 << 5,
  /** `dns` option (2.6). */
  DNS_OPTION: 1 << 6,
  /** EXIT on the control channel; also means the client accepts protocol-flags. */
  CC_EXIT_NOTIFY: 1 << 7,
  /** AUTH_FAILED,TEMP. */
  AUTH_FAIL_TEMP: 1 << 8,
  /** Dynamic tls-crypt for renegotiations. */
  DYN_TLS_CRYPT: 1 << 9,
  /** Epoch data format (2.7). */
  DATA_EPOCH: 1 << 10,
  /** `dns` option after 2.7's incompatible changes. */
  DNS_OPTION_V2: 1 << 11,
  /** PUSH_UPDATE (2.7). */
  PUSH_UPDATE: 1 << 12,
} as const;

/**
 * What we implement today: DATA_V2|REQUEST_PUSH|TLS_KEY_EXPORT|AUTH_PENDING_KW|CC_EXIT_NOTIFY
 * |AUTH_FAIL_TEMP|DYN_TLS_CRYPT|DATA_EPOCH = 1950 (a 2.6 client sends 990: it also has
 * DNS_OPTION; a 2.7 userspace client 8094). DATA_EPOCH always, as 2.7 without DCO does:
 * only a 2.7 server acts on it, and only with an AEAD cipher (protocol-2.7.md §1.1).
 */
export const DEFAULT_IV_PROTO = IV_PROTO.DATA_V2 | IV_PROTO.REQUEST_PUSH | IV_PROTO.TLS_KEY_EXPORT
  | IV_PROTO.AUTH_PENDING_KW | IV_PROTO.CC_EXIT_NOTIFY | IV_PROTO.AUTH_FAIL_TEMP | IV_PROTO.DYN_TLS_CRYPT
  | IV_PROTO.DATA_EPOCH;

/** Which compression framings we announce (ovpn:comp.c comp_generate_peer_info_string). */
export type PeerInfoCompression =
  /** `allow-compression no` without any compress directive: announce nothing. */
  | 'none'
  /** The 2.6 default: stubs only (IV_LZO_STUB, IV_COMP_STUB, IV_COMP_STUBv2). */
  | 'stubs'
  /** `allow-compression asym|yes`: the algorithms we can decompress, plus the stubs. */
  | { lz4: boolean; lzo: boolean };

export type PeerInfoPlatform = 'linux' | 'win' | 'mac' | 'freebsd' | 'openbsd' | 'netbsd' | 'solaris' | 'android';

export interface PeerInfoInput {
  /** IV_VER, e.g. `2.6.14`; servers compare it to gate features, so use a 2.6-style version. */
  version: string;
  platform: PeerInfoPlatform;
  /** data-ciphers, in preference order; IV_NCP=2 is added when both GCMs are present. */
  ciphers: readonly string[];
  /** IV_PROTO value; DEFAULT_IV_PROTO unless more is implemented. */
  ivProto?: number;
  /** IV_MTU: the largest tun-mtu we accept from a push; 2.x sends 1600. */
  mtuBytes?: number;
  compression: PeerInfoCompression;
  /** IV_GUI_VER, e.g. `Postern 0.1.0`. */
  guiVersion?: string;
  /** IV_SSO, e.g. `webauth,openurl,crtext`. */
  sso?: string;
  /**
   * Further variables (`setenv IV_…`/`UV_…` from the profile, push-peer-info
   * extras like IV_HWADDR); appended last in insertion order. Keys must not
   * contain `=` or newlines and values no newlines; such entries are skipped.
   */
  extra?: Readonly<Record<string, string>>;
}

/**
 * Builds the peer-info block in the order a 2.6 client writes it
 * (ovpn:ssl.c push_peer_info): IV_VER, IV_PLAT, IV_TCPNL, IV_MTU, IV_NCP,
 * IV_CIPHERS, IV_PROTO, compression, then setenv'd IV_GUI_VER / IV_SSO / extras.
 * Each line ends in `\n`; key-method 2 adds the NUL.
 */
export function buildPeerInfo(input: PeerInfoInput): string {
  const lines = [
    `IV_VER=${input.version}`,
    `IV_PLAT=${input.platform}`,
    'IV_TCPNL=1',
    `IV_MTU=${input.mtuBytes ?? 1600}`,
  ];
  const upper = input.ciphers.map((c) => c.toUpperCase());
  if (upper.includes('AES-128-GCM') && upper.includes('AES-256-GCM')) lines.push('IV_NCP=2');
  lines.push(`IV_CIPHERS=${input.ciphers.join(':')}`, `IV_PROTO=${input.ivProto ?? DEFAULT_IV_PROTO}`);
  lines.push(...compressionLines(input.compression));
  if (input.guiVersion !== undefined) lines.push(`IV_GUI_VER=${input.guiVersion}`);
  if (input.sso !== undefined) lines.push(`IV_SSO=${input.sso}`);
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    if (/[=\n\r\0]/.test(key) || key === '' || /[\n\r\0]/.test(value)) continue;
    lines.push(`${key}=${value}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

function compressionLines(compression: PeerInfoCompression): string[] {
  if (compression === 'none') return [];
  const lines: string[] = [];
  const algorithms = compression === 'stubs' ? { lz4: false, lzo: false } : compression;
  if (algorithms.lz4) lines.push('IV_LZ4=1', 'IV_LZ4v2=1');
  if (algorithms.lzo) lines.push('IV_LZO=1');
  else lines.push('IV_LZO_STUB=1');
  lines.push('IV_COMP_STUB=1', 'IV_COMP_STUBv2=1');
  return lines;
}
