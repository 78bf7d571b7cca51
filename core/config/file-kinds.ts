/**
 * What a file a profile names holds, which decides who may have it read:
 * - `certificate`: certificates, keys and control-channel keys. Read from anywhere by the
 *   CLI (with the user's own rights); on import into the app, one outside the profile's
 *   folder is read only after the user confirms it.
 * - `secret`: passwords and passphrases. On import into the app, one outside the folder is
 *   never read: the profile asks for it at connect instead. Anything not listed counts as a
 *   secret, the safer way to be wrong.
 */
export type FileKind = 'certificate' | 'secret';

export const CERTIFICATE_FILE_DIRECTIVES = [
  'ca', 'cert', 'key', 'pkcs12', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'crl-verify', 'extra-certs',
] as const;

export const SECRET_FILE_DIRECTIVES = ['auth-user-pass', 'askpass', 'http-proxy', 'http-proxy-user-pass', 'socks-proxy', 'socks-proxy-user-pass'] as const;

const CERTIFICATES: ReadonlySet<string> = new Set(CERTIFICATE_FILE_DIRECTIVES);

export function fileKindOf(directive: string): FileKind {
  return CERTIFICATES.has(directive) ? 'certificate' : 'secret';
}
