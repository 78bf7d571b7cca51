import { PROFILE_DEFAULTS } from './constants';
import type { FileKind } from './file-kinds';
import type {
  AddressFamily, AuthSettings, CipherSettings, CompressionSettings, HttpProxy, MssfixSetting, SocksProxy,
  PeerInfoSettings, RoutingSettings, TimerSettings, TlsSettings, TlsWrap, TransportProto,
} from './profile-types';

/**
 * The connection-level settings of 2.x's `struct connection_entry` (ovpn:options.h):
 * the ones a <connection> block may set. Outside blocks they are the defaults that
 * each block starts from, as a copy taken where the block begins
 * (ovpn:options.c add_option "connection": `sub.ce = options->ce`).
 */
export interface ConnectionDraft {
  remote?: RemoteDraft;
  port?: number;
  proto?: { proto: TransportProto; family: AddressFamily };
  httpProxy?: HttpProxy;
  socksProxy?: SocksProxy & { line: number };
  wrap?: TlsWrap;
  keyDirection?: 0 | 1;
  connectRetrySeconds?: number;
  connectRetryMaxSeconds?: number;
  serverPollTimeoutSeconds?: number;
  explicitExitNotify?: number;
  tunMtuBytes?: number;
  mssfix?: MssfixSetting;
}

export interface RemoteDraft {
  host: string;
  port?: number;
  proto?: { proto: TransportProto; family: AddressFamily };
  line: number;
}

/** A file the profile referred to and that was inlined (for the self-contained copy). */
export interface FileReference {
  directive: string;
  /** The directive's arguments as written (the file name among them). */
  args: string[];
  line: number;
  path: string;
  /** Text files as read; binary ones (pkcs12) as base64. */
  content: string;
}

/**
 * A file outside the profile's folder that the importer's rule kept unread: a secret (the
 * profile asks for it at connect instead) or a certificate awaiting the user's confirmation.
 */
export interface WithheldFile {
  directive: string;
  args: string[];
  line: number;
  path: string;
  kind: FileKind;
}

/** What the directive handlers fill in; `finalizeProfile` turns it into a Profile. */
export interface ProfileDraft {
  ce: ConnectionDraft;
  remoteLines: RemoteDraft[];
  blocks: { conn: ConnectionDraft; line: number }[];
  client: boolean;
  pull: boolean;
  tlsClient: boolean;
  remoteRandom: boolean;
  remoteRandomHostname: boolean;
  tls: TlsSettings;
  ciphers: CipherSettings;
  compression: CompressionSettings;
  auth: AuthSettings;
  routing: RoutingSettings;
  timers: Omit<TimerSettings, 'connectRetrySeconds' | 'connectRetryMaxSeconds' | 'serverPollTimeoutSeconds'>;
  peerInfo: PeerInfoSettings;
  /** Names from `ignore-unknown-option`, in force for the lines after it. */
  ignoreUnknown: Set<string>;
  /** `setenv FORWARD_COMPATIBLE 1`: unknown directives after it are warnings (ovpn:options.c). */
  forwardCompatible: boolean;
  dev?: { name: string; line: number; column: number };
  devType?: { type: string; line: number; column: number };
  fileReferences: FileReference[];
  withheldFiles: WithheldFile[];
  /**
   * Supported directives that were present, even if their value was unusable:
   * a `ca` whose file is missing already has its own error, so "no CA" would be noise.
   */
  present: Set<string>;
}

export function newProfileDraft(): ProfileDraft {
  return {
    ce: {},
    remoteLines: [],
    blocks: [],
    client: false,
    pull: false,
    tlsClient: false,
    remoteRandom: false,
    remoteRandomHostname: false,
    tls: { peerFingerprints: [] },
    ciphers: { dataCiphers: [...PROFILE_DEFAULTS.dataCiphers], auth: PROFILE_DEFAULTS.auth },
    compression: { allowCompression: 'no' },
    auth: { userPass: false, noCache: false, retry: 'none', askPassphrase: false },
    routing: {
      routeNopull: false, pullFilters: [], routes: [], routesIpv6: [], dhcpOptions: [], dns: [], blockIpv6: false,
    },
    timers: {
      pingRestartSeconds: PROFILE_DEFAULTS.pingRestartSeconds,
      handWindowSeconds: PROFILE_DEFAULTS.handWindowSeconds,
      renegotiateSeconds: PROFILE_DEFAULTS.renegotiateSeconds,
      tranWindowSeconds: PROFILE_DEFAULTS.tranWindowSeconds,
      tlsTimeoutSeconds: PROFILE_DEFAULTS.tlsTimeoutSeconds,
    },
    peerInfo: { pushPeerInfo: false, extra: {} },
    ignoreUnknown: new Set(),
    forwardCompatible: false,
    fileReferences: [],
    present: new Set(),
    withheldFiles: [],
  };
}

/** A deep copy, so a block's changes never leak back into the defaults. */
export function cloneConnection(ce: ConnectionDraft): ConnectionDraft {
  const copy: ConnectionDraft = { ...ce };
  delete copy.remote;
  if (ce.httpProxy) copy.httpProxy = { ...ce.httpProxy, customHeaders: [...ce.httpProxy.customHeaders] };
  if (ce.socksProxy) copy.socksProxy = { ...ce.socksProxy };
  if (ce.mssfix) copy.mssfix = { ...ce.mssfix };
  if (ce.proto) copy.proto = { ...ce.proto };
  return copy;
}

/** `http-proxy` and `http-proxy-option` share one proxy record (ovpn:options.c init_http_proxy_options_once). */
export function proxyOf(conn: ConnectionDraft): HttpProxy {
  conn.httpProxy ??= { host: '', port: 0, authMethod: 'none', customHeaders: [] };
  return conn.httpProxy;
}
