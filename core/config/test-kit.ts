// Test-only helpers for the profile parser's tests (imported by *.test.ts files only).
import { parseProfile } from './parse-profile';
import type { ParseProfileOptions, ParseProfileResult } from './parse-profile';
import type { ProfileProblem } from './problems';
import type { Profile } from './profile-types';

export const FAKE_CERT = '-----BEGIN CERTIFICATE-----\nMIIBfakeCERTIFICATEplaceholderFORtestsONLY\n-----END CERTIFICATE-----\n';
export const FAKE_KEY = '-----BEGIN TEST KEY PLACEHOLDER-----\nZmFrZSBrZXkgLSB0ZXN0cyBvbmx5\n-----END TEST KEY PLACEHOLDER-----\n';
/** A well-formed but obviously fake OpenVPN static key (256 bytes of a repeating pattern). */
const STATIC_KEY_LABEL = 'OpenVPN Static key V1';
export const FAKE_STATIC_KEY = `-----BEGIN ${STATIC_KEY_LABEL}-----\n${'0123456789abcdef'.repeat(32).replace(/(.{32})/g, '$1\n')}-----END ${STATIC_KEY_LABEL}-----\n`;
export const FAKE_V2_KEY = `-----BEGIN OpenVPN tls-crypt-v2 client key-----\n${Buffer.from('FAKE tls-crypt-v2 key '.repeat(16)).toString('base64')}\n-----END OpenVPN tls-crypt-v2 client key-----\n`;

export const block = (tag: string, body: string): string => `<${tag}>\n${body}</${tag}>\n`;

/** A minimal connectable profile: the lines given come first (so their line numbers are 1…n). */
export function profileWith(lines: string, tail = ''): string {
  return `${lines}\nclient\ndev tun\nremote vpn.example.com\n${block('ca', FAKE_CERT)}${block('cert', FAKE_CERT)}${block('key', FAKE_KEY)}${tail}`;
}

export function parse(text: string | Buffer, options: ParseProfileOptions = {}): ParseProfileResult & { profile: Profile } {
  const result = parseProfile(text, options);
  if (result.profile === undefined) throw new Error(`rejected: ${result.problems.map((p) => p.code).join(', ')}`);
  return result as ParseProfileResult & { profile: Profile };
}

/** The problems as `line code` strings, the easiest thing to compare in a test. */
export function codes(problems: readonly ProfileProblem[], severity?: ProfileProblem['severity']): string[] {
  return problems.filter((p) => severity === undefined || p.severity === severity).map((p) => `${p.line} ${p.code}`);
}

/** Files beside a profile, for readFile. */
export function filesFrom(files: Record<string, string | Buffer>): (path: string) => Buffer | undefined {
  return (path) => {
    const content = files[path];
    return content === undefined ? undefined : Buffer.from(content);
  };
}
