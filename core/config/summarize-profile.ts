import { SMALL_BLOCK_DATA_CIPHERS } from './constants';
import { DIRECTIVE_TABLE } from './directive-table';
import type { ProfileProblem } from './problems';
import type { Profile, Remote, TlsWrap } from './profile-types';

/** What a person needs to know about a profile before connecting; plain data, no secrets. */
export interface ProfileSummary {
  /** `host:port/proto`, with the proxy when there is one. */
  remotes: string[];
  /** The transports used, e.g. ['udp', 'tcp']. */
  protocols: string[];
  remoteRandom: boolean;
  /** The tunnel device: 'tun (IP packets)', or 'tap (Ethernet frames; …)' with what TAP mode leaves out. */
  device: string;
  /** How the client proves who it is: 'certificate', 'PKCS#12 bundle', 'username and password'. */
  clientAuth: string[];
  /** What the user will be asked for when connecting. */
  asks: string[];
  /** How the server is checked. */
  serverCheck: string[];
  controlChannel: string;
  dataCiphers: string[];
  dataCiphersFallback?: string;
  compression: string;
  routing: string[];
  ignored: SummaryNote[];
  refused: SummaryNote[];
  /** What a person should know and pass on to the server's administrator (words: the words tables). */
  cautions: SummaryCaution[];
  /** All errors and warnings found, those left out of the problem list included. */
  errors: number;
  warnings: number;
}

export interface SummaryNote {
  directive: string;
  line: number;
  reason: string;
}

/**
 * A code and its data, no words: electron/api/words.ts (the window) and the CLI's check
 * say them.
 * - `small_block_cipher`: data-ciphers, cipher or data-ciphers-fallback names ciphers with
 *   64-bit blocks (BF-CBC, CAST5-CBC, 3DES), open to SWEET32; the server should move to AES-GCM.
 */
export type SummaryCaution = { code: 'small_block_cipher'; ciphers: string[] };

export function summarizeProfile(profile: Profile): ProfileSummary {
  const summary: ProfileSummary = {
    remotes: profile.remotes.map(describeRemote),
    protocols: [...new Set(profile.remotes.map((r) => r.proto))],
    remoteRandom: profile.remoteRandom,
    device: describeDevice(profile),
    clientAuth: clientAuth(profile),
    asks: asks(profile),
    serverCheck: serverCheck(profile),
    controlChannel: describeWrap(profile.tls.wrap),
    dataCiphers: profile.ciphers.dataCiphers,
    compression: describeCompression(profile),
    routing: routing(profile),
    ignored: notes(profile.problems, 'ignored'),
    refused: notes(profile.problems, 'refused'),
    cautions: cautions(profile),
    errors: profile.problemCounts.error,
    warnings: profile.problemCounts.warning,
  };
  if (profile.ciphers.dataCiphersFallback !== undefined) summary.dataCiphersFallback = profile.ciphers.dataCiphersFallback;
  return summary;
}

function describeRemote(remote: Remote): string {
  const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
  const family = remote.family === 'any' ? '' : remote.family === 'ipv4' ? '4' : '6';
  let text = `${host}:${remote.port}/${remote.proto}${family}`;
  if (remote.httpProxy) text += ` via HTTP proxy ${remote.httpProxy.host}:${remote.httpProxy.port}`;
  if (remote.socksProxy) text += ` via SOCKS5 proxy ${remote.socksProxy.host}:${remote.socksProxy.port}`;
  if (remote.tlsWrapOverride) text += ` (${describeWrap(remote.tlsWrapOverride)})`;
  return text;
}

function describeDevice(profile: Profile): string {
  return profile.device === 'tap'
    ? 'tap (Ethernet frames, ARP by the kernel; the server must push the address: no DHCP on the device)'
    : 'tun (IP packets)';
}

function describeWrap(wrap: TlsWrap | undefined): string {
  if (wrap === undefined) return 'none';
  if (wrap.kind === 'tls-auth') return wrap.direction === undefined ? 'tls-auth' : `tls-auth (key direction ${wrap.direction})`;
  return wrap.kind;
}

function clientAuth(profile: Profile): string[] {
  const out: string[] = [];
  if (profile.tls.pkcs12) out.push('PKCS#12 bundle');
  else if (profile.tls.cert) out.push('certificate');
  if (profile.auth.userPass) out.push('username and password');
  return out;
}

function asks(profile: Profile): string[] {
  const out: string[] = [];
  const auth = profile.auth;
  if (auth.userPass && auth.username === undefined) out.push('username');
  if (auth.userPass && auth.password === undefined) out.push('password');
  if (auth.staticChallenge) out.push(`challenge response ("${auth.staticChallenge.text}")`);
  if (auth.askPassphrase && auth.keyPassphrase === undefined) out.push('private key passphrase');
  return out;
}

function serverCheck(profile: Profile): string[] {
  const tls = profile.tls;
  const out: string[] = [];
  if (tls.ca) out.push('CA certificate');
  else if (tls.pkcs12) out.push('CA from the PKCS#12 bundle');
  if (tls.peerFingerprints.length > 0) out.push(`peer fingerprint (${tls.peerFingerprints.length})`);
  if (tls.remoteCertTls) out.push('remote-cert-tls server');
  if (tls.verifyX509Name) out.push(`verify-x509-name ${tls.verifyX509Name.name} (${tls.verifyX509Name.type})`);
  if (tls.crlVerify) out.push('CRL');
  return out;
}

function describeCompression(profile: Profile): string {
  const c = profile.compression;
  const framing = c.compress !== undefined ? `compress ${c.compress === '' ? '(stub)' : c.compress}`
    : c.compLzo !== undefined ? `comp-lzo ${c.compLzo}` : 'none';
  return c.allowCompression === 'no' ? framing : `${framing}, allow-compression ${c.allowCompression}`;
}

function routing(profile: Profile): string[] {
  const r = profile.routing;
  const out: string[] = [];
  if (r.routeNopull) out.push('route-nopull: pushed routes and DNS are not used');
  if (r.redirectGateway) out.push(`all traffic through the VPN (redirect-gateway ${r.redirectGateway.flags.join(' ')})`.replace(' )', ')'));
  if (r.routes.length + r.routesIpv6.length > 0) out.push(`${r.routes.length + r.routesIpv6.length} route(s) of the profile's own`);
  if (r.pullFilters.length > 0) out.push(`${r.pullFilters.length} pull-filter(s)`);
  return out;
}

function cautions(profile: Profile): SummaryCaution[] {
  const { dataCiphers, cipher, dataCiphersFallback } = profile.ciphers;
  const named = [...dataCiphers, cipher, dataCiphersFallback].filter((c): c is string => c !== undefined);
  const small = [...new Set(named.filter((c) => SMALL_BLOCK_DATA_CIPHERS.has(c)))];
  return small.length === 0 ? [] : [{ code: 'small_block_cipher', ciphers: small }];
}

function notes(problems: readonly ProfileProblem[], category: 'ignored' | 'refused'): SummaryNote[] {
  return problems.flatMap((p) => {
    const spec = p.directive === undefined ? undefined : DIRECTIVE_TABLE.get(p.directive);
    if (spec === undefined || spec.category !== category || spec.code !== p.code) return [];
    return [{ directive: spec.name, line: p.line, reason: spec.reason }];
  });
}
