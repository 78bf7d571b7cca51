import { Secret } from '../../wire/secret';
import { choiceArg } from '../directive-args';
import type { DirectiveContext, DirectiveSpec, SupportedSpec } from '../directive-spec';
import { checkPem, checkStaticKey, checkTlsCryptV2Key, isBase64, parseFingerprints } from '../inline-content';
import type { TlsSettings, TlsVersion, TlsWrap } from '../profile-types';

/**
 * Certificates, keys, server-certificate checks and control-channel wrapping
 * (ovpn-doc:man-sections/tls-options.rst; protocol.md §2.2–§2.5, §4).
 */

function spec(name: string, minArgs: number, maxArgs: number, apply: (ctx: DirectiveContext) => void,
  extra: Partial<Pick<SupportedSpec, 'inline' | 'connection' | 'repeatable'>> = {}): SupportedSpec {
  return { name, category: 'supported', family: 'tls', minArgs, maxArgs, apply, ...extra };
}

/** A PEM file directive whose text lands in one TlsSettings field. */
function pemFile(name: string, field: 'ca' | 'cert' | 'extraCerts', what: string): SupportedSpec {
  return spec(name, 1, 1, (ctx) => {
    const text = ctx.fileText(0);
    const pem = text === undefined ? undefined : checkPem(ctx, text, what);
    if (pem !== undefined) ctx.draft.tls[field] = pem;
  }, { inline: true });
}

/** tls-auth / tls-crypt / tls-crypt-v2: one wrap per scope (a <connection> block, or the profile). */
function setWrap(ctx: DirectiveContext, wrap: TlsWrap): void {
  const current = ctx.inConnection ? ctx.conn.wrap : ctx.draft.tls.wrap;
  if (current !== undefined && current.kind !== wrap.kind) {
    ctx.report('config.conflicting_tls_wrap', 'error', `${wrap.kind} cannot be combined with ${current.kind}; a server uses only one of them.`,
      { hint: `Keep the one the server uses and delete the other.` });
    return;
  }
  if (ctx.inConnection) ctx.conn.wrap = wrap;
  else ctx.draft.tls.wrap = wrap;
}

function keyDirectionArg(ctx: DirectiveContext, index: number): 0 | 1 | 'bidirectional' | undefined {
  const text = ctx.call.args[index];
  if (text === '0') return 0;
  if (text === '1') return 1;
  if (text === 'bidirectional' || text === 'bi') return 'bidirectional';
  if (text !== undefined) ctx.report('config.bad_value', 'error', `${ctx.call.name}: the key direction "${text}" must be 0 or 1.`, { argIndex: index });
  return undefined;
}

const tlsAuth = spec('tls-auth', 1, 2, (ctx) => {
  const text = ctx.fileText(0);
  const direction = ctx.call.inline === undefined ? keyDirectionArg(ctx, 1) : undefined;
  if (text === undefined || checkStaticKey(ctx, text) === undefined) return;
  const wrap: TlsWrap = { kind: 'tls-auth', key: new Secret(text) };
  if (direction === 0 || direction === 1) {
    // `tls-auth FILE DIR` is also a key-direction, as in 2.x (ovpn:options.c "tls-auth").
    wrap.direction = direction;
    if (ctx.inConnection) ctx.conn.keyDirection = direction;
    else ctx.draft.tls.keyDirection = direction;
  }
  setWrap(ctx, wrap);
}, { inline: true, connection: true });

const tlsCrypt = spec('tls-crypt', 1, 1, (ctx) => {
  const text = ctx.fileText(0);
  if (text !== undefined && checkStaticKey(ctx, text) !== undefined) setWrap(ctx, { kind: 'tls-crypt', key: new Secret(text) });
}, { inline: true, connection: true });

const tlsCryptV2 = spec('tls-crypt-v2', 1, 2, (ctx) => {
  const text = ctx.fileText(0);
  if (ctx.call.args[1] !== undefined) {
    ctx.report('config.directive_ignored', 'info', `tls-crypt-v2 ${ctx.call.args[1]} only matters to a server.`, { argIndex: 1 });
  }
  if (text !== undefined && checkTlsCryptV2Key(ctx, text) !== undefined) setWrap(ctx, { kind: 'tls-crypt-v2', key: new Secret(text) });
}, { inline: true, connection: true });

const keyDirection = spec('key-direction', 1, 1, (ctx) => {
  const direction = keyDirectionArg(ctx, 0);
  if (direction === 'bidirectional' || direction === undefined) return;
  if (ctx.inConnection) ctx.conn.keyDirection = direction;
  else ctx.draft.tls.keyDirection = direction;
}, { connection: true });

const TLS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'] as const;

function setTls<K extends keyof TlsSettings>(ctx: DirectiveContext, key: K, value: TlsSettings[K] | undefined): void {
  if (value !== undefined) ctx.draft.tls[key] = value;
}

export const TLS_DIRECTIVES: readonly DirectiveSpec[] = [
  pemFile('ca', 'ca', 'certificate'),
  pemFile('cert', 'cert', 'certificate'),
  pemFile('extra-certs', 'extraCerts', 'certificate'),
  spec('key', 1, 1, (ctx) => {
    const text = ctx.fileText(0);
    if (text !== undefined && checkPem(ctx, text, 'private key') !== undefined) ctx.draft.tls.key = new Secret(text);
  }, { inline: true }),
  spec('pkcs12', 1, 1, (ctx) => {
    const base64 = ctx.fileBase64(0);
    if (base64 === undefined) return;
    if (!isBase64(base64)) {
      ctx.report('config.inline_bad_content', 'error', 'pkcs12: an inline PKCS#12 bundle must be base64.', { hint: 'Encode it with: openssl base64 -in client.p12' });
      return;
    }
    ctx.draft.tls.pkcs12 = new Secret(base64);
  }, { inline: true }),
  spec('crl-verify', 1, 2, (ctx) => {
    if (ctx.call.args[1] !== undefined) {
      ctx.report('config.unsupported_value', 'error', 'crl-verify DIR (a folder of revocation files) is not supported.', { argIndex: 1, hint: 'Inline the CRL as <crl-verify>…</crl-verify>.' });
      return;
    }
    const text = ctx.fileText(0);
    setTls(ctx, 'crlVerify', text === undefined ? undefined : checkPem(ctx, text, 'certificate revocation list'));
  }, { inline: true }),
  tlsAuth,
  tlsCrypt,
  tlsCryptV2,
  keyDirection,
  spec('remote-cert-tls', 1, 1, (ctx) => {
    if (ctx.call.args[0] === 'client') {
      ctx.report('config.unsupported_value', 'error', 'remote-cert-tls client would require the server to hold a client certificate.', { argIndex: 0, hint: 'Write remote-cert-tls server.' });
      return;
    }
    setTls(ctx, 'remoteCertTls', choiceArg(ctx, 0, ['server'] as const));
  }),
  spec('remote-cert-ku', 0, 16, (ctx) => { ctx.draft.tls.remoteCertKu = [...ctx.call.args]; }),
  spec('remote-cert-eku', 1, 1, (ctx) => setTls(ctx, 'remoteCertEku', ctx.call.args[0])),
  spec('ns-cert-type', 1, 1, (ctx) => {
    const value = choiceArg(ctx, 0, ['server', 'client'] as const);
    if (value === 'client') {
      ctx.report('config.unsupported_value', 'error', 'ns-cert-type client would require the server to hold a client certificate.', { argIndex: 0, hint: 'Write remote-cert-tls server.' });
      return;
    }
    if (value === undefined) return;
    ctx.draft.tls.nsCertType = value;
    ctx.report('config.insecure_setting', 'warning', 'ns-cert-type checks a deprecated Netscape certificate extension.', { hint: 'Replace it with remote-cert-tls server.' });
  }),
  spec('verify-x509-name', 1, 2, (ctx) => {
    const type = ctx.call.args[1] === undefined ? 'subject' : choiceArg(ctx, 1, ['subject', 'name', 'name-prefix'] as const);
    const name = ctx.call.args[0];
    if (type !== undefined && name !== undefined) ctx.draft.tls.verifyX509Name = { name, type };
  }),
  spec('peer-fingerprint', 1, 1, (ctx) => {
    const text = ctx.call.inline ?? ctx.call.args[0] ?? '';
    ctx.draft.tls.peerFingerprints.push(...parseFingerprints(ctx, text.replace(/;/g, '\n')));
  }, { inline: true, repeatable: true }),
  spec('tls-version-min', 1, 2, (ctx) => {
    const version = choiceArg(ctx, 0, TLS_VERSIONS);
    const orHighest = ctx.call.args[1] === undefined ? false : choiceArg(ctx, 1, ['or-highest'] as const) !== undefined;
    if (version === undefined) return;
    ctx.draft.tls.tlsVersionMin = { version, orHighest };
    if (version === '1.0' || version === '1.1') warnOldTls(ctx, version);
  }),
  spec('tls-version-max', 1, 1, (ctx) => setTls(ctx, 'tlsVersionMax', choiceArg(ctx, 0, TLS_VERSIONS))),
  spec('tls-cert-profile', 1, 1, (ctx) => {
    const value = choiceArg(ctx, 0, ['insecure', 'legacy', 'preferred', 'suiteb'] as const);
    setTls(ctx, 'tlsCertProfile', value);
    if (value === 'insecure') ctx.report('config.insecure_setting', 'warning', 'tls-cert-profile insecure accepts weak certificates (MD5, short keys).', { argIndex: 0 });
  }),
  spec('tls-cipher', 1, 1, (ctx) => setTls(ctx, 'tlsCipher', ctx.call.args[0])),
  spec('tls-ciphersuites', 1, 1, (ctx) => setTls(ctx, 'tlsCiphersuites', ctx.call.args[0])),
  spec('tls-groups', 1, 1, (ctx) => setTls(ctx, 'tlsGroups', ctx.call.args[0])),
  spec('ecdh-curve', 1, 1, (ctx) => {
    ctx.draft.tls.tlsGroups ??= ctx.call.args[0];
    ctx.report('config.directive_ignored', 'info', 'ecdh-curve is deprecated; its curve is used as tls-groups.', { hint: 'Write tls-groups instead.' });
  }),
];

function warnOldTls(ctx: DirectiveContext, version: TlsVersion): void {
  ctx.report('config.insecure_setting', 'warning', `tls-version-min ${version} allows TLS versions with known weaknesses.`, { argIndex: 0, hint: 'Use tls-version-min 1.2.' });
}
