import { USER_PASS_MAX_BYTES } from './constants';
import type { DirectiveContext } from './directive-spec';

/**
 * Checks of inlined or referenced file content. They are deliberately shallow:
 * the TLS and wrap layers parse keys and certificates for real; here we catch
 * the common mistakes (a wrong file, a truncated paste) with a line number.
 */

const PEM_BEGIN = /-----BEGIN ([A-Za-z0-9 ._-]+)-----/;

/** Some `-----BEGIN X----- … -----END X-----` block; any label (test placeholders too). */
export function checkPem(ctx: DirectiveContext, text: string, what: string): string | undefined {
  const begin = PEM_BEGIN.exec(text);
  if (begin === null || !text.includes(`-----END ${begin[1]}-----`)) {
    ctx.report('config.inline_bad_content', 'error', `${ctx.call.name}: the content is not a PEM ${what} (no matching -----BEGIN/-----END lines).`,
      { hint: `Paste the whole ${what}, including its BEGIN and END lines.` });
    return undefined;
  }
  return text;
}

const STATIC_KEY_LABEL = 'OpenVPN Static key V1';
const STATIC_KEY_HEX_CHARS = 512;

/** An OpenVPN static key (tls-auth, tls-crypt): 256 bytes as hex between the markers (ovpn:crypto.c read_key_file). */
export function checkStaticKey(ctx: DirectiveContext, text: string): string | undefined {
  const body = between(text, STATIC_KEY_LABEL);
  const hex = body?.replace(/\s+/g, '');
  if (hex === undefined || !/^[0-9A-Fa-f]*$/.test(hex) || hex.length !== STATIC_KEY_HEX_CHARS) {
    ctx.report('config.inline_bad_content', 'error', `${ctx.call.name}: the content is not an OpenVPN static key (256 bytes of hex between -----BEGIN/END ${STATIC_KEY_LABEL}-----).`,
      { hint: 'Use the ta.key file the server administrator provided, unchanged.' });
    return undefined;
  }
  return text;
}

const V2_CLIENT_LABEL = 'OpenVPN tls-crypt-v2 client key';

/** A tls-crypt-v2 client key: base64 of Kc (256 bytes) and the wrapped key (ovpn-doc:tls-crypt-v2.txt). */
export function checkTlsCryptV2Key(ctx: DirectiveContext, text: string): string | undefined {
  const body = between(text, V2_CLIENT_LABEL)?.replace(/\s+/g, '');
  if (body === undefined || !isBase64(body) || Buffer.from(body, 'base64').length <= 256) {
    ctx.report('config.inline_bad_content', 'error', `${ctx.call.name}: the content is not a tls-crypt-v2 client key (base64 between -----BEGIN/END ${V2_CLIENT_LABEL}-----).`,
      { hint: 'Use the client key generated for you with openvpn --genkey tls-crypt-v2-client.' });
    return undefined;
  }
  return text;
}

export function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}

function between(text: string, label: string): string | undefined {
  const begin = text.indexOf(`-----BEGIN ${label}-----`);
  const end = text.indexOf(`-----END ${label}-----`);
  if (begin < 0 || end < begin) return undefined;
  return text.slice(begin + label.length + 16, end);
}

/**
 * A username/password file or block: the first line is the username, the second
 * the password (optional: asked when missing). ovpn:misc.c get_user_pass_cr.
 */
export function parseUserPass(ctx: DirectiveContext, text: string): { username: string; password?: string } | undefined {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const username = lines[0] ?? '';
  const password = lines[1];
  if (username.trim() === '') {
    ctx.report('config.inline_bad_content', 'error', `${ctx.call.name}: the first line (the username) is empty.`,
      { hint: 'Write the username on the first line and the password on the second.' });
    return undefined;
  }
  if (Buffer.byteLength(username) > USER_PASS_MAX_BYTES || Buffer.byteLength(password ?? '') > USER_PASS_MAX_BYTES) {
    ctx.report('config.inline_bad_content', 'error', `${ctx.call.name}: the username or password is longer than ${USER_PASS_MAX_BYTES} bytes, which OpenVPN servers cut.`);
    return undefined;
  }
  return password === undefined || password === '' ? { username } : { username, password };
}

/** SHA-256 fingerprints, one per line (`#`/`;` comments allowed), as upper-case hex with colons. */
export function parseFingerprints(ctx: DirectiveContext, text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const hex = line.replace(/:/g, '');
    if (!/^[0-9A-Fa-f]{64}$/.test(hex)) {
      ctx.report('config.bad_value', 'error', `peer-fingerprint: "${line}" is not a SHA-256 fingerprint (32 hex bytes separated by colons).`);
      continue;
    }
    out.push(hex.toUpperCase().replace(/(..)(?!$)/g, '$1:'));
  }
  return out;
}
