import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_CERT, FAKE_KEY, FAKE_STATIC_KEY, FAKE_V2_KEY, block, codes, filesFrom, parse, profileWith } from '../test-kit';

test('inline certificates and keys; the key is a Secret that never prints', () => {
  const { profile } = parse(profileWith(''));
  assert.equal(profile.tls.ca, FAKE_CERT);
  assert.equal(profile.tls.key?.reveal(), FAKE_KEY);
  assert.equal(JSON.stringify(profile.tls.key), '"[redacted]"');
  assert.ok(!JSON.stringify(profile).includes('TEST KEY PLACEHOLDER'));
});

test('file references are read through readFile, relative to the profile', () => {
  const read: string[] = [];
  const files = filesFrom({ 'keys/ca.crt': FAKE_CERT, 'ta.key': FAKE_STATIC_KEY, 'x.p12': Buffer.from([0, 1, 2, 250]) });
  const { profile, problems, inlinedFiles } = parse(profileWith('ca keys\\\\ca.crt\ntls-auth ./ta.key 0\npkcs12 x.p12'), { readFile: (p) => { read.push(p); return files(p); } });
  assert.deepEqual(codes(problems), ['7 config.duplicate_directive']);
  assert.deepEqual(read, ['keys/ca.crt', 'ta.key', 'x.p12']);
  assert.equal(profile.tls.pkcs12?.reveal(), Buffer.from([0, 1, 2, 250]).toString('base64'));
  assert.deepEqual(profile.tls.wrap?.kind === 'tls-auth' ? profile.tls.wrap.direction : 'x', 0);
  assert.deepEqual(inlinedFiles.map((f) => f.path), ['keys/ca.crt', 'ta.key', 'x.p12']);
});

test('paths that leave the profile folder are refused without asking readFile', () => {
  const read: string[] = [];
  const { problems } = parse(profileWith('ca ../ca.crt\ncert /etc/c.crt\nkey "C:\\\\k.key"\nextra-certs a/../../b'), { readFile: (p) => { read.push(p); return undefined; } });
  assert.deepEqual(codes(problems, 'error'), ['1 config.path_escapes_profile', '2 config.path_escapes_profile', '3 config.path_escapes_profile', '4 config.path_escapes_profile']);
  assert.deepEqual(read, []);
});

test('a missing file, and a profile given without its folder, are reported', () => {
  assert.deepEqual(codes(parse(profileWith('crl-verify crl.pem'), { readFile: () => undefined }).problems), ['1 config.file_not_found']);
  const noFolder = parse(profileWith('crl-verify crl.pem')).problems[0];
  assert.match(noFolder?.message ?? '', /without its folder/);
  assert.match(noFolder?.hint ?? '', /<crl-verify>/);
});

test('a readFile that throws counts as a missing file', () => {
  const { problems } = parse(profileWith('crl-verify crl.pem'), { readFile: () => { throw new Error('EACCES'); } });
  assert.deepEqual(codes(problems), ['1 config.file_not_found']);
});

test('tls-auth takes its direction from its argument or key-direction; tls-crypt and v2 need none', () => {
  const viaKeyDirection = parse(profileWith('key-direction 1', block('tls-auth', FAKE_STATIC_KEY))).profile.tls.wrap;
  assert.deepEqual(viaKeyDirection?.kind === 'tls-auth' && viaKeyDirection.direction, 1);
  assert.equal(parse(profileWith('', block('tls-crypt', FAKE_STATIC_KEY))).profile.tls.wrap?.kind, 'tls-crypt');
  assert.equal(parse(profileWith('', block('tls-crypt-v2', FAKE_V2_KEY))).profile.tls.wrap?.kind, 'tls-crypt-v2');
});

test('malformed keys and two wraps at once are errors', () => {
  const bad = parse(profileWith('', block('tls-auth', `-----BEGIN ${'OpenVPN Static key V1'}-----\nabcd\n-----END ${'OpenVPN Static key V1'}-----\n`)));
  assert.deepEqual(codes(bad.problems).map((c) => c.split(' ')[1]), ['config.inline_bad_content']);
  const both = parse(profileWith('', block('tls-auth', FAKE_STATIC_KEY) + block('tls-crypt', FAKE_STATIC_KEY)));
  assert.ok(codes(both.problems).some((c) => c.endsWith('config.conflicting_tls_wrap')));
  const notPem = parse(profileWith('', block('extra-certs', 'junk\n')));
  assert.ok(codes(notPem.problems).some((c) => c.endsWith('config.inline_bad_content')));
});

test('server certificate checks', () => {
  const { profile, problems } = parse(profileWith('remote-cert-tls server\nverify-x509-name vpn name\nns-cert-type server\nremote-cert-eku "TLS Web Server Authentication"'));
  assert.equal(profile.tls.remoteCertTls, 'server');
  assert.deepEqual(profile.tls.verifyX509Name, { name: 'vpn', type: 'name' });
  assert.equal(profile.tls.nsCertType, 'server');
  assert.deepEqual(codes(problems), ['3 config.insecure_setting']);
  assert.deepEqual(codes(parse(profileWith('verify-x509-name vpn cn')).problems), ['1 config.bad_value']);
});

test('peer-fingerprint alone is enough to check the server', () => {
  const fp = 'ab:'.repeat(31) + 'ab';
  const { profile, problems } = parse(`client\ndev tun\nremote a\nauth-user-pass\npeer-fingerprint ${fp}\n`);
  assert.deepEqual(codes(problems), []);
  assert.deepEqual(profile.tls.peerFingerprints, [fp.toUpperCase()]);
});

test('TLS versions, profiles and cipher strings', () => {
  const { profile, problems } = parse(profileWith('tls-version-min 1.3 or-highest\ntls-version-max 1.3\ntls-cert-profile suiteb\ntls-cipher DEFAULT:!EXP\ntls-groups X25519\necdh-curve secp384r1'));
  assert.deepEqual(profile.tls.tlsVersionMin, { version: '1.3', orHighest: true });
  assert.equal(profile.tls.tlsVersionMax, '1.3');
  assert.equal(profile.tls.tlsCertProfile, 'suiteb');
  assert.equal(profile.tls.tlsCipher, 'DEFAULT:!EXP');
  assert.equal(profile.tls.tlsGroups, 'X25519');
  assert.deepEqual(codes(problems), ['6 config.directive_ignored']);
  assert.deepEqual(codes(parse(profileWith('tls-version-min 1.1')).problems), ['1 config.insecure_setting']);
});
