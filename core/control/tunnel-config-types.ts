import type { DeviceType } from '../config/profile-types';
import type { Secret } from '../wire/secret';

/** What a PUSH_REPLY configures, typed. Built by buildTunnelConfig (tunnel-config.ts). */

/** 2.6 clients default to net30 when nothing is pushed (2.7 changed it to subnet). */
export type Topology = 'net30' | 'p2p' | 'subnet';

/** `route NET [MASK] [GW] [METRIC]`; gateway is an IPv4 address or vpn_gateway|net_gateway|remote_host; absent = route-gateway. */
export interface PushedRoute {
  network: string;
  netmask: string;
  gateway?: string;
  metric?: number;
}

/** `route-ipv6 NET/BITS [GW] [METRIC]`. */
export interface PushedRouteIpv6 {
  network: string;
  prefixLength: number;
  gateway?: string;
  metric?: number;
}

/** Flags of redirect-gateway / redirect-private: def1 local autolocal bypass-dhcp bypass-dns block-local ipv6 !ipv4. */
export interface RedirectGateway {
  flags: Set<string>;
}

/** One `dns server N …` entry (2.6 `--dns`); pushed priorities 0..127, lowest first. */
export interface DnsServerOption {
  priority: number;
  addresses: Array<{ address: string; port?: number }>;
  resolveDomains: string[];
  dnssec?: 'yes' | 'optional' | 'no';
  transport?: 'plain' | 'DoT' | 'DoH';
  sni?: string;
}

export interface DnsConfig {
  /** dhcp-option DNS (IPv4). */
  servers: string[];
  /** dhcp-option DNS6, or DNS with an IPv6 address. */
  servers6: string[];
  /** dhcp-option DOMAIN / ADAPTER_DOMAIN_SUFFIX (the last one wins). */
  domain?: string;
  /** dhcp-option DOMAIN-SEARCH. */
  searchDomains: string[];
  /** The 2.6 `dns` option; when it names servers, 2.x uses them instead of dhcp-option DNS. */
  dnsOption: { servers: DnsServerOption[]; searchDomains: string[] };
  blockOutsideDns: boolean;
  /** WINS, NBS, NBT, NTP, NBDD, DISABLE-NBT, PROXY_HTTP…: kept for the platform layer. */
  otherDhcpOptions: Array<{ type: string; value: string }>;
}

/** Framing on the data channel (protocol.md §8); the same for what we send and receive. */
export type CompressionFraming = 'none' | 'lzo' | 'stub' | 'lz4' | 'stub-v2' | 'lz4-v2';

export interface CompressionSetting {
  framing: CompressionFraming;
  /** What the server may send compressed; 'none' for stubs and `comp-lzo no`. */
  peerMayCompressWith: 'none' | 'lzo' | 'lz4';
  /** As pushed, e.g. `compress lz4-v2`. */
  option: string;
}

export interface TunnelConfig {
  /**
   * The profile's device, which the push is read for (the server cannot change it): on tap,
   * `ifconfig` always carries a netmask and topology has no say (ovpn:tun.c is_tun_p2p).
   */
  device: DeviceType;
  ifconfig?: { local: string; netmaskOrPeer: string; topology: Topology };
  ifconfigIpv6?: { address: string; prefixLength: number; peer?: string };
  topology: Topology;
  routes: PushedRoute[];
  routesIpv6: PushedRouteIpv6[];
  /** An IPv4 address or 'dhcp'. */
  routeGateway?: string;
  routeMetric?: number;
  redirectGateway?: RedirectGateway;
  redirectPrivate?: RedirectGateway;
  blockIpv6: boolean;
  dns: DnsConfig;
  tunMtuBytes?: number;
  /** 0..0xFFFFFF (a pushed -1 means 0xFFFFFF); when set, the client sends DATA_V2. */
  peerId?: number;
  cipher?: string;
  /** tls-ekm when pushed (key-derivation tls-ekm or protocol-flags tls-ekm); else the legacy PRF. */
  keyDerivation: 'tls-ekm' | 'prf';
  /** protocol-flags: cc-exit, tls-ekm, dyn-tls-crypt, aead-epoch. */
  protocolFlags: Set<string>;
  authToken?: Secret;
  /** auth-token-user, base64-decoded. */
  authTokenUser?: string;
  pingSeconds?: number;
  pingRestartSeconds?: number;
  pingExitSeconds?: number;
  inactive?: { seconds: number; minBytes?: number };
  /** explicit-exit-notify [n]: tries (default 1). */
  explicitExitNotifyTries?: number;
  compression?: CompressionSetting;
  /** echo parameters joined by spaces, in order. */
  echo: string[];
  /** Options we do not know: kept and reported, never fatal. */
  unknown: string[];
  /** Dropped by pull-filter ignore or by route-nopull. */
  filtered: string[];
  /** Known and pushable, but without effect for us (sndbuf, route-delay, setenv-safe…). */
  ignored: string[];
  /** Known options with arguments we cannot use; skipped like 2.x skips them. */
  invalid: Array<{ option: string; reason: string }>;
}

export function emptyTunnelConfig(): TunnelConfig {
  return {
    device: 'tun',
    topology: 'net30',
    routes: [],
    routesIpv6: [],
    blockIpv6: false,
    dns: {
      servers: [], servers6: [], searchDomains: [], dnsOption: { servers: [], searchDomains: [] },
      blockOutsideDns: false, otherDhcpOptions: [],
    },
    keyDerivation: 'prf',
    protocolFlags: new Set(),
    echo: [],
    unknown: [],
    filtered: [],
    ignored: [],
    invalid: [],
  };
}
