import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embedFileReferences } from './embed-files';
import { CERTIFICATE_FILE_DIRECTIVES, SECRET_FILE_DIRECTIVES, fileKindOf } from './file-kinds';
import type { ProfileFileRef, ReadProfileFile } from './directive-context';
import { isConnectable, parseProfile } from './parse-profile';
import { locateProfilePath } from './profile-paths';
import { FAKE_CERT, FAKE_KEY, FAKE_STATIC_KEY, block, codes, parse } from './test-kit';

// The rule for files a profile names outside its own folder: which directive holds a
// certificate and which a secret, and where a name points.

test('certificates and keys are certificates; passwords and passphrases are secrets; anything else counts as a secret', () => {
  for (const name of ['ca', 'cert', 'key', 'pkcs12', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'crl-verify', 'extra-certs']) assert.equal(fileKindOf(name), 'certificate', name);
  for (const name of ['auth-user-pass', 'askpass', 'http-proxy', 'http-proxy-user-pass', 'not-a-directive']) assert.equal(fileKindOf(name), 'secret', name);
  assert.deepEqual(CERTIFICATE_FILE_DIRECTIVES.filter((d) => (SECRET_FILE_DIRECTIVES as readonly string[]).includes(d)), []);
});

test('inside or outside the folder, by the name as written: absolute and .. past the folder are outside', () => {
  const where = (raw: string): string => {
    const located = locateProfilePath(raw);
    return located.ok ? `${located.value.outside ? 'outside' : 'inside'} ${located.value.path}` : located.error;
  };
  assert.equal(where('ca.crt'), 'inside ca.crt');
  assert.equal(where('./keys//ca.crt'), 'inside keys/ca.crt');
  assert.equal(where('keys\\ca.crt'), 'inside keys/ca.crt');
  assert.equal(where('keys/../ca.crt'), 'inside ca.crt');
  assert.equal(where('../ca.crt'), 'outside ../ca.crt');
  assert.equal(where('a/../../b/../../c'), 'outside ../../c');
  assert.equal(where('/etc/openvpn/ca.crt'), 'outside /etc/openvpn/ca.crt');
  assert.equal(where('/../etc//./ca.crt'), 'outside /etc/ca.crt');
  assert.equal(where('~/ca.crt'), 'unsupported');
  assert.equal(where('C:\\vpn\\ca.crt'), 'unsupported');
  assert.equal(where('./'), 'empty');
});

const profile = (lines: string): string => `client\ndev tun\nremote vpn.example.com\n${lines}\n${block('cert', FAKE_CERT)}${block('key', FAKE_KEY)}`;

/** The app's rule as a fake reader: inside files are read, certificates outside wait, secrets outside are never read. */
function appLike(files: Record<string, string>, asked: ProfileFileRef[]): ReadProfileFile {
  return (path, ref) => {
    asked.push(ref);
    if (ref.outside) return { failure: 'withheld' };
    const content = files[path];
    return content === undefined ? undefined : Buffer.from(content);
  };
}

test('without readsOutside a file outside the folder is refused before the reader is asked', () => {
  const asked: ProfileFileRef[] = [];
  const result = parseProfile(profile('ca /etc/openvpn/ca.crt\nauth-user-pass ../creds.txt'), { readFile: appLike({}, asked) });
  assert.deepEqual(codes(result.problems, 'error'), ['4 config.path_escapes_profile', '5 config.path_escapes_profile']);
  assert.match(result.problems[0]?.message ?? '', /absolute path/);
  assert.deepEqual(asked, []);
});

test('a secret outside the folder is withheld: the profile asks at connect, and the stored text names no file', () => {
  const asked: ProfileFileRef[] = [];
  const text = profile(`auth-user-pass /tmp/x/secret.txt\naskpass ../pass.txt\n${block('ca', FAKE_CERT)}`);
  const result = parse(text, { readsOutside: true, readFile: appLike({}, asked) });
  assert.deepEqual(asked.map((r) => `${r.line} ${r.kind} ${r.outside ? 'outside' : 'inside'} ${r.path}`), ['4 secret outside /tmp/x/secret.txt', '5 secret outside ../pass.txt']);
  assert.deepEqual(codes(result.problems), ['4 config.secret_file_not_read', '5 config.secret_file_not_read']);
  assert.match(result.problems[0]?.message ?? '', /asked for the username and password when you connect/);
  assert.ok(isConnectable(result));
  assert.equal(result.profile.auth.userPass, true);
  assert.equal(result.profile.auth.username, undefined);
  const stored = embedFileReferences(text, result.inlinedFiles, result.withheldFiles) ?? '';
  assert.ok(!stored.includes('secret.txt') && !stored.includes('pass.txt'));
  assert.match(stored, /^auth-user-pass\naskpass$/m);
  assert.deepEqual(codes(parseProfile(stored).problems), []);
});

test('a proxy\'s credentials file outside the folder is withheld, and the proxy stays', () => {
  const text = profile(`http-proxy proxy.example 8080 /etc/proxy-creds basic\nproto tcp\n${block('ca', FAKE_CERT)}`);
  const result = parse(text, { readsOutside: true, readFile: appLike({}, []) });
  assert.deepEqual(codes(result.problems), ['4 config.secret_file_not_read']);
  const stored = embedFileReferences(text, result.inlinedFiles, result.withheldFiles) ?? '';
  assert.match(stored, /^http-proxy proxy\.example 8080 stdin basic$/m);
  assert.equal(parseProfile(stored).profile?.proxy?.credentials, undefined);
  assert.equal(parseProfile(stored).profile?.proxy?.askCredentials, true, 'asked at connect');
});

test('a SOCKS proxy\'s credentials file outside the folder is withheld the same way: host and port stay, no file named, asked at connect', () => {
  const text = profile(`socks-proxy socks.example 1080 /etc/socks-creds\n${block('ca', FAKE_CERT)}`);
  const result = parse(text, { readsOutside: true, readFile: appLike({}, []) });
  assert.deepEqual(codes(result.problems), ['4 config.secret_file_not_read']);
  const stored = embedFileReferences(text, result.inlinedFiles, result.withheldFiles) ?? '';
  assert.match(stored, /^socks-proxy socks\.example 1080 stdin$/m);
  assert.ok(!stored.includes('socks-creds'));
  assert.deepEqual(codes(parseProfile(stored).problems, 'error'), []);
  assert.deepEqual(parseProfile(stored).profile?.socksProxy, { host: 'socks.example', port: 1080, askCredentials: true });
});

test('a certificate outside the folder waits for confirmation: listed, no problem, and nothing to store until it is read', () => {
  const text = profile('ca /etc/openvpn/ca.crt\ntls-auth ../ta.key 1');
  const result = parse(text, { readsOutside: true, readFile: appLike({}, []) });
  assert.deepEqual(result.withheldFiles.map((f) => `${f.line} ${f.directive} ${f.kind} ${f.path}`), ['4 ca certificate /etc/openvpn/ca.crt', '5 tls-auth certificate ../ta.key']);
  assert.deepEqual(codes(result.problems), [], 'no "missing CA": the ca line is there');
  assert.equal(embedFileReferences(text, result.inlinedFiles, result.withheldFiles), undefined);
  // Once confirmed and read, it inlines like any file.
  const files: Record<string, string> = { '/etc/openvpn/ca.crt': FAKE_CERT, '../ta.key': FAKE_STATIC_KEY };
  const read = parse(text, { readsOutside: true, readFile: (path) => Buffer.from(files[path] ?? '') });
  assert.deepEqual(codes(read.problems), []);
  const stored = embedFileReferences(text, read.inlinedFiles, read.withheldFiles) ?? '';
  assert.ok(!stored.includes('/etc/openvpn') && stored.includes('key-direction 1'));
  assert.ok(isConnectable(parseProfile(stored)));
});

test('why a file could not be had is an error on its line, naming the directive', () => {
  const text = profile('ca /root/ca.crt\nextra-certs /dev/zero\ncrl-verify crl.pem');
  const result = parseProfile(text, { readsOutside: true, readFile: (path) => ({ failure: path === '/root/ca.crt' ? 'denied' : path === '/dev/zero' ? 'not_a_file' : 'no_folder' }) });
  assert.deepEqual(codes(result.problems, 'error'), ['4 config.file_unreadable', '5 config.file_unreadable', '6 config.file_not_found']);
  assert.deepEqual(result.problems.slice(0, 3).map((p) => p.message), [
    'ca: the file "/root/ca.crt" cannot be read: permission denied.',
    'extra-certs: the file "/dev/zero" is not a regular file.',
    'crl-verify: the file "crl.pem" cannot be read: the profile was given without its folder.',
  ]);
});
