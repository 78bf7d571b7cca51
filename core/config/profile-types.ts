import type { Secret } from '../wire/secret';
import type { ProfileProblem, Severity } from './problems';
import type { OpenSslProviderName } from './constants';

/**
 * A parsed, self-contained .ovpn profile: every file it referred to is inlined,
 * so whoever connects with it never reads user files. Private keys, PKCS#12
 * bundles, static keys and passwords are Secrets: printing a Profile never shows
 * them. Durations are seconds, as in the profile.
 */
export interface Profile {
  /** The servers to try, in profile order (remote lines or <connection> blocks). */
  remotes: Remote[];
  /** `remote-random`: shuffle the list once before the first attempt. */
  remoteRandom: boolean;
  /** `remote-random-hostname`: prepend a random label to host names. */
  remoteRandomHostname: boolean;
  /** `http-proxy` outside any <connection> block (each Remote carries the one it uses). */
  proxy?: HttpProxy;
  /** `socks-proxy` outside any <connection> block (each Remote carries the one it uses). */
  socksProxy?: SocksProxy;
  tls: TlsSettings;
  ciphers: CipherSettings;
  compression: CompressionSettings;
  auth: AuthSettings;
  routing: RoutingSettings;
  timers: TimerSettings;
  /** `explicit-exit-notify [n]` outside blocks: how many seconds to announce a UDP exit. */
  explicitExitNotify?: number;
  /** `dev tun` (IP packets) or `dev tap` (Ethernet frames); tun when the profile names no device. */
  device: DeviceType;
  tunMtuBytes: number;
  mssfix: MssfixSetting;
  peerInfo: PeerInfoSettings;
  /**
   * What the parser had to say, sorted by line: at most MAX_PROBLEMS of it, every error
   * kept before any warning (problem-list.ts). `problemCounts` counts all of it.
   */
  problems: ProfileProblem[];
  /** How many problems of each severity were found, those left out of `problems` included. */
  problemCounts: Record<Severity, number>;
}

export type TransportProto = 'udp' | 'tcp';
/** Layer 3 (`tun`: IP packets) or layer 2 (`tap`: Ethernet frames, the kernel's ARP on the device). */
export type DeviceType = 'tun' | 'tap';
/** `udp4`/`tcp6`…: restrict address resolution to one family; `any` for udp/tcp. */
export type AddressFamily = 'any' | 'ipv4' | 'ipv6';

export interface Remote {
  host: string;
  port: number;
  proto: TransportProto;
  family: AddressFamily;
  /** The proxy this remote is reached through (its block's, else the profile's). */
  httpProxy?: HttpProxy;
  /** The SOCKS5 proxy this remote is reached through (its block's, else the profile's): TCP by CONNECT, UDP by UDP ASSOCIATE. */
  socksProxy?: SocksProxy;
  /** A tls-auth/tls-crypt/tls-crypt-v2 key of its own <connection> block; else `tls.wrap` applies. */
  tlsWrapOverride?: TlsWrap;
  connectRetrySeconds: number;
  connectRetryMaxSeconds: number;
  serverPollTimeoutSeconds: number;
  /** UDP only (2.x drops it for TCP). */
  explicitExitNotify?: number;
  tunMtuBytes: number;
  mssfix: MssfixSetting;
  /** 1-based index of the <connection> block it came from; undefined for a remote line. */
  connectionBlock?: number;
  /** Line of the remote directive. */
  line: number;
}

export interface MssfixSetting {
  /** 0 disables mssfix. */
  bytes: number;
  /**
   * `default`: no size given, 2.6's "1492 mtu"; `payload`: `mssfix N`, N bytes of UDP
   * payload; `mtu`: N bytes including the outer IP and UDP headers; `fixed`: a TCP MSS of N − 40.
   */
  mode: 'default' | 'payload' | 'mtu' | 'fixed';
}

export interface HttpProxy {
  host: string;
  port: number;
  /** `auto`/`auto-nct` ask the proxy what it wants; otherwise the method of the credentials. */
  authMethod: 'none' | 'basic' | 'ntlm' | 'digest' | 'auto' | 'auto-nct';
  credentials?: { username: string; password: Secret };
  /** `http-proxy HOST PORT stdin`: the username and password are asked at connect. */
  askCredentials?: boolean;
  /** `http-proxy-option VERSION x` / `AGENT x` / `CUSTOM-HEADER name [value]`. */
  httpVersion?: string;
  userAgent?: string;
  customHeaders: { name: string; value: string }[];
}

/** `socks-proxy HOST [PORT] [authfile|stdin]` (SOCKS5; the authfile's username and password, RFC 1929). */
export interface SocksProxy {
  host: string;
  port: number;
  credentials?: { username: string; password: Secret };
  /** `stdin` in place of the authfile: the username and password are asked at connect. */
  askCredentials?: boolean;
}

export type TlsWrap =
  | { kind: 'tls-auth'; key: Secret; direction?: 0 | 1 }
  | { kind: 'tls-crypt'; key: Secret }
  | { kind: 'tls-crypt-v2'; key: Secret };

export type TlsVersion = '1.0' | '1.1' | '1.2' | '1.3';

export interface TlsSettings {
  /** PEM text of the CA bundle. */
  ca?: string;
  /** PEM text of the client certificate. */
  cert?: string;
  /** PEM text of the private key (possibly encrypted; see auth.keyPassphrase). */
  key?: Secret;
  /** Base64 of the PKCS#12 bundle (it holds a private key, hence a Secret). */
  pkcs12?: Secret;
  /** PEM text of intermediate certificates sent with the client certificate. */
  extraCerts?: string;
  /** PEM text of the CRL. */
  crlVerify?: string;
  /** `remote-cert-tls server`. */
  remoteCertTls?: 'server';
  /** `remote-cert-ku` hex values and `remote-cert-eku` OID or name. */
  remoteCertKu?: string[];
  remoteCertEku?: string;
  /** `ns-cert-type server` (deprecated Netscape extension check). */
  nsCertType?: 'server';
  verifyX509Name?: { name: string; type: 'subject' | 'name' | 'name-prefix' };
  /** SHA-256 fingerprints, upper-case hex with colons. */
  peerFingerprints: string[];
  tlsVersionMin?: { version: TlsVersion; orHighest: boolean };
  tlsVersionMax?: TlsVersion;
  tlsCertProfile?: 'insecure' | 'legacy' | 'preferred' | 'suiteb';
  /** As written: OpenSSL or IANA names; the TLS layer translates. */
  tlsCipher?: string;
  tlsCiphersuites?: string;
  tlsGroups?: string;
  /** Control-channel protection outside <connection> blocks. */
  wrap?: TlsWrap;
  /** `key-direction` outside blocks (already folded into wrap.direction for tls-auth). */
  keyDirection?: 0 | 1;
}

export interface CipherSettings {
  /** Canonical upper-case names in preference order. */
  dataCiphers: string[];
  dataCiphersFallback?: string;
  /** `cipher`: announced to old servers; not used for the data channel since 2.6. */
  cipher?: string;
  /** `auth` digest for CBC ciphers and tls-auth. */
  auth: string;
  /** `providers`: OpenSSL providers to load before connecting (BF-CBC needs `legacy`); absent: none. */
  providers?: OpenSslProviderName[];
}

export interface CompressionSettings {
  compLzo?: 'yes' | 'no' | 'adaptive';
  /** `compress` with no argument is ''. */
  compress?: 'stub' | 'stub-v2' | 'lz4' | 'lz4-v2' | 'lzo' | '';
  allowCompression: 'no' | 'asym' | 'yes';
}

export interface AuthSettings {
  /** `auth-user-pass` is present: the server wants a username and password. */
  userPass: boolean;
  /** From an inline block or the referenced file; the password may be absent (then asked). */
  username?: string;
  password?: Secret;
  noCache: boolean;
  retry: 'none' | 'nointeract' | 'interact';
  staticChallenge?: { text: string; echo: boolean; format: 'scrv1' | 'concat' };
  /** `askpass`: the private key is encrypted; the passphrase is asked unless inlined. */
  askPassphrase: boolean;
  keyPassphrase?: Secret;
}

export interface RouteSpec {
  network: string;
  netmask?: string;
  gateway?: string;
  metric?: number;
}

export interface Route6Spec {
  network: string;
  gateway?: string;
  metric?: number;
}

export interface RoutingSettings {
  routeNopull: boolean;
  pullFilters: { action: 'accept' | 'ignore' | 'reject'; prefix: string }[];
  redirectGateway?: { flags: string[] };
  redirectPrivate?: { flags: string[] };
  routes: RouteSpec[];
  routesIpv6: Route6Spec[];
  routeMetric?: number;
  dhcpOptions: { type: string; value?: string }[];
  /** `dns …` lines (2.6 syntax), as tokens. */
  dns: string[][];
  blockIpv6: boolean;
}

export interface TimerSettings {
  pingSeconds?: number;
  pingRestartSeconds: number;
  pingExitSeconds?: number;
  inactiveSeconds?: number;
  connectRetrySeconds: number;
  connectRetryMaxSeconds: number;
  /** Attempts per remote before giving up; undefined: forever. */
  connectRetryMax?: number;
  serverPollTimeoutSeconds: number;
  handWindowSeconds: number;
  renegotiateSeconds: number;
  renegotiateBytes?: number;
  renegotiatePackets?: number;
  tranWindowSeconds: number;
  tlsTimeoutSeconds: number;
}

export interface PeerInfoSettings {
  /** `push-peer-info` (or `setenv PUSH_PEER_INFO`): send the optional IV_ variables. */
  pushPeerInfo: boolean;
  /** `setenv IV_GUI_VER …` and `setenv UV_…`, sent in peer-info. */
  extra: Record<string, string>;
}
