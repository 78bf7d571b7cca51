import type { SecureContextOptions } from 'node:tls';
import type { Profile, TlsWrap, HttpProxy, SocksProxy } from '../config/index';
import type { AuthPolicy } from '../auth/index';
import { parseStaticKeyFile, parseTlsCryptV2ClientKey } from '../wrap/static-key';
import { pkcs12ToPem } from '../tls/pkcs12';
import { CERT_PROFILE_SECURITY_LEVEL } from '../tls/constants';
import type { CompressionFraming } from '../data/compression';
import type { ControlWrapSettings, Credentials } from '../session/session-settings';
import { err, ok, type Result } from '../wire/result';
import type { Secret } from '../wire/secret';
import type { VpnClientOptions } from './vpn-client';
import type { HttpProxySettings, RemoteEndpoint, Socks5Settings } from '../transport/index';


const SSO_METHODS = 'openurl,webauth,crtext';

export interface ClientInputs {
  /** Username and password when the profile asks for them (auth-user-pass). */
  credentials?: Credentials;
  /** Passphrase of an encrypted private key or of a PKCS#12 bundle. */
  keyPassphrase?: Secret;
  /** IV_GUI_VER unless the profile sets one. */
  guiVersion?: string;
}

export type ClientOptionsError = { code: 'profile.unusable'; message: string };

/** Version we announce as IV_VER: the 2.6 feature set we implement (servers gate features on it). */
const ANNOUNCED_OPENVPN_VERSION = '2.6.14';

/**
 * Turns a parsed, self-contained profile (and what the user typed) into everything the
 * client needs to connect. Nothing here reads files: the profile already holds them.
 */
export function clientOptionsFromProfile(profile: Profile, inputs: ClientInputs = {}): Result<VpnClientOptions, ClientOptionsError> {
  const tls = secureContextFor(profile, inputs);
  if (!tls.ok) return tls;
  const wrap = profile.tls.wrap ? wrapSettings(profile.tls.wrap, profile.ciphers.auth) : ok<ControlWrapSettings>({ kind: 'none' });
  if (!wrap.ok) return wrap;
  const remotes: RemoteEndpoint[] = [];
  for (const remote of profile.remotes) {
    const override = remote.tlsWrapOverride ? wrapSettings(remote.tlsWrapOverride, profile.ciphers.auth) : undefined;
    if (override && !override.ok) return override;
    remotes.push({
      host: remote.host, port: remote.port, proto: remote.proto,
      family: remote.family === 'ipv4' ? 4 : remote.family === 'ipv6' ? 6 : undefined,
      wrap: override?.value, httpProxy: remote.httpProxy ? proxySettings(remote.httpProxy) : undefined,
      socksProxy: remote.socksProxy ? socksSettings(remote.socksProxy) : undefined,
    });
  }
  if (remotes.length === 0) return err({ code: 'profile.unusable', message: 'The profile names no server (remote).' });
  const credentials = inputs.credentials ?? (profile.auth.username !== undefined && profile.auth.password !== undefined
    ? { username: profile.auth.username, password: profile.auth.password } : undefined);
  // Missing credentials are asked for when connecting (VpnClient's onPrompt), not refused here.
  const auth: AuthPolicy = {
    userPass: profile.auth.userPass, noCache: profile.auth.noCache, retry: profile.auth.retry,
    ...(profile.auth.staticChallenge ? { staticChallenge: profile.auth.staticChallenge } : {}),
    ...(credentials ? { credentials } : {}),
    ...(profile.auth.username === undefined ? {} : { username: profile.auth.username }),
  };
  const { timers } = profile;
  const first = profile.remotes[0];
  return ok({
    remotes,
    remoteRandom: profile.remoteRandom,
    httpProxy: profile.proxy ? proxySettings(profile.proxy) : undefined,
    socksProxy: profile.socksProxy ? socksSettings(profile.socksProxy) : undefined,
    connectRetrySeconds: first?.connectRetrySeconds ?? timers.connectRetrySeconds,
    connectRetryMaxSeconds: first?.connectRetryMaxSeconds ?? timers.connectRetryMaxSeconds,
    serverPollTimeoutSeconds: first?.serverPollTimeoutSeconds ?? timers.serverPollTimeoutSeconds,
    maxAttempts: timers.connectRetryMax === undefined ? undefined : timers.connectRetryMax * remotes.length,
    auth,
    session: {
      tls: tls.value,
      wrap: wrap.value,
      dataCiphers: profile.ciphers.dataCiphers,
      dataCiphersFallback: profile.ciphers.dataCiphersFallback,
      cipher: profile.ciphers.cipher,
      auth: profile.ciphers.auth,
      device: profile.device,
      ...(profile.ciphers.providers ? { providers: profile.ciphers.providers } : {}),
      compression: framingFor(profile),
      allowDecompression: profile.compression.allowCompression !== 'no',
      mssfix: profile.mssfix,
      peerInfo: {
        version: ANNOUNCED_OPENVPN_VERSION,
        guiVersion: profile.peerInfo.extra['IV_GUI_VER'] ?? inputs.guiVersion ?? 'Postern',
        // Every AUTH_PENDING method the app can show (protocol.md §10).
        sso: profile.peerInfo.extra['IV_SSO'] ?? SSO_METHODS,
        extra: Object.fromEntries(Object.entries(profile.peerInfo.extra).filter(([name]) => name !== 'IV_GUI_VER' && name !== 'IV_SSO')),
      },
      routeNopull: profile.routing.routeNopull,
      pullFilters: profile.routing.pullFilters,
      timers: {
        handWindowSeconds: timers.handWindowSeconds,
        renegotiateSeconds: timers.renegotiateSeconds,
        renegotiateBytes: timers.renegotiateBytes,
        pingRestartSeconds: timers.pingRestartSeconds,
        pingSeconds: timers.pingSeconds,
        tlsTimeoutSeconds: timers.tlsTimeoutSeconds,
      },
      explicitExitNotify: profile.explicitExitNotify,
    },
  });
}

function secureContextFor(profile: Profile, inputs: ClientInputs): Result<VpnClientOptions['session']['tls'], ClientOptionsError> {
  const { tls } = profile;
  const fingerprintOnly = !tls.ca && tls.peerFingerprints.length > 0;
  if (!tls.ca && !fingerprintOnly) return err({ code: 'profile.unusable', message: 'The profile has no CA certificate (ca) and no peer-fingerprint, so the server cannot be verified.' });
  // Checks we parse but cannot perform yet must not be skipped silently.
  if (tls.remoteCertKu?.length || tls.nsCertType) {
    return err({ code: 'profile.unusable', message: `This profile asks for ${tls.nsCertType ? 'ns-cert-type' : 'remote-cert-ku'}, a server certificate check Postern does not perform yet; use remote-cert-tls server instead.` });
  }
  const context: SecureContextOptions = tls.ca ? { ca: tls.ca } : {};
  const passphrase = (inputs.keyPassphrase ?? profile.auth.keyPassphrase)?.reveal();
  if (tls.pkcs12) {
    const der = Buffer.from(tls.pkcs12.reveal(), 'base64');
    const converted = pkcs12ToPem(der, passphrase ?? '');
    if (!converted.ok) return err({ code: 'profile.unusable', message: converted.error.message });
    if (converted.value === 'native') Object.assign(context, { pfx: der, passphrase: passphrase ?? '' });
    else Object.assign(context, { cert: [converted.value.cert, ...converted.value.extraCerts].join('\n'), key: converted.value.key });
  }
  if (tls.cert) context.cert = tls.extraCerts ? `${tls.cert.trim()}\n${tls.extraCerts.trim()}\n` : tls.cert;
  if (tls.key) context.key = tls.key.reveal();
  if (passphrase !== undefined && !tls.pkcs12) context.passphrase = passphrase;
  if (tls.crlVerify) context.crl = tls.crlVerify;
  const level = CERT_PROFILE_SECURITY_LEVEL[tls.tlsCertProfile ?? 'legacy'] ?? 1;
  // OpenSSL names only; IANA-style `TLS-…` lists (2.x translates them) fall back to the default list.
  const cipherList = tls.tlsCipher && !tls.tlsCipher.startsWith('TLS-') ? tls.tlsCipher : 'DEFAULT';
  // node:tls takes TLS 1.3 suites in the same `ciphers` string.
  context.ciphers = `${tls.tlsCiphersuites ? `${tls.tlsCiphersuites}:` : ''}${cipherList}:@SECLEVEL=${level}`;
  if (tls.tlsGroups) context.ecdhCurve = tls.tlsGroups;
  const minVersion = tls.tlsVersionMin?.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const maxVersion = tls.tlsVersionMax === '1.2' ? 'TLSv1.2' : undefined;
  return ok({
    secureContext: context, minVersion, maxVersion,
    fingerprintOnly,
    peerCheck: {
      remoteCertTlsServer: tls.remoteCertTls === 'server', verifyX509Name: tls.verifyX509Name,
      remoteCertEku: tls.remoteCertEku === undefined ? undefined : ekuOid(tls.remoteCertEku),
      peerFingerprints: tls.peerFingerprints,
    },
  });
}

function wrapSettings(wrap: TlsWrap, digest: string): Result<ControlWrapSettings, ClientOptionsError> {
  if (wrap.kind === 'tls-crypt-v2') {
    const key = parseTlsCryptV2ClientKey(wrap.key.reveal());
    return key.ok ? ok({ kind: 'tls-crypt-v2', clientKey: key.value }) : err({ code: 'profile.unusable', message: key.error.message });
  }
  const key = parseStaticKeyFile(wrap.key.reveal());
  if (!key.ok) return err({ code: 'profile.unusable', message: key.error.message });
  return ok(wrap.kind === 'tls-auth'
    ? { kind: 'tls-auth', staticKey: key.value, direction: wrap.direction, digest }
    : { kind: 'tls-crypt', staticKey: key.value });
}

function proxySettings(proxy: HttpProxy): HttpProxySettings {
  return { host: proxy.host, port: proxy.port, username: proxy.credentials?.username, password: proxy.credentials?.password, ...(proxy.askCredentials ? { askCredentials: true } : {}) };
}

/** The framing of the profile's compression directive, before anything is pushed (protocol.md §8). */
function framingFor(profile: Profile): CompressionFraming {
  const { compress, compLzo } = profile.compression;
  if (compress === '' || compress === 'stub') return 'stub';
  if (compress === 'stub-v2' || compress === 'lz4-v2') return compress;
  if (compress === 'lz4') return 'lz4';
  if (compress === 'lzo' || compLzo !== undefined) return 'lzo';
  return 'none';
}

/** `remote-cert-eku` takes an OID or OpenSSL's long name; the common names map to their OIDs. */
function ekuOid(value: string): string {
  const names: Record<string, string> = {
    'TLS Web Server Authentication': '1.3.6.1.5.5.7.3.1',
    'TLS Web Client Authentication': '1.3.6.1.5.5.7.3.2',
    serverAuth: '1.3.6.1.5.5.7.3.1',
    clientAuth: '1.3.6.1.5.5.7.3.2',
  };
  return names[value] ?? value;
}

function socksSettings(proxy: SocksProxy): Socks5Settings {
  return { host: proxy.host, port: proxy.port, username: proxy.credentials?.username, password: proxy.credentials?.password, ...(proxy.askCredentials ? { askCredentials: true } : {}) };
}
