import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, parse, profileWith } from '../test-kit';

test('data-ciphers defaults to the three AEAD ciphers', () => {
  assert.deepEqual(parse(profileWith('')).profile.ciphers, { dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'], auth: 'SHA1' });
});

test('data-ciphers is canonicalised; optional and unimplemented ciphers are left out', () => {
  const { profile, problems } = parse(profileWith('data-ciphers aes-128-gcm:?SM4-GCM:SEED-CBC:AES-256-CBC:aes-128-gcm:camellia-256-cbc'));
  assert.deepEqual(profile.ciphers.dataCiphers, ['AES-128-GCM', 'AES-256-CBC', 'CAMELLIA-256-CBC']);
  assert.deepEqual(codes(problems), ['1 config.unsupported_value']);
});

test('the CBC ciphers of 2.3/2.4 servers are usable; those with 64-bit blocks get a SWEET32 warning', () => {
  const { profile, problems } = parse(profileWith('data-ciphers AES-256-GCM:BF-CBC:CAST5-CBC:DES-EDE3-CBC:CAMELLIA-128-CBC'));
  assert.deepEqual(profile.ciphers.dataCiphers, ['AES-256-GCM', 'BF-CBC', 'CAST5-CBC', 'DES-EDE3-CBC', 'CAMELLIA-128-CBC']);
  assert.deepEqual(codes(problems), ['1 config.insecure_setting', '1 config.insecure_setting', '1 config.insecure_setting']);
  assert.match(problems[0]?.message ?? '', /BF-CBC has 64-bit blocks, which are weak \(SWEET32\)/);
  assert.match(problems[0]?.hint ?? '', /AES-256-GCM/);
  const fallback = parse(profileWith('data-ciphers-fallback bf-cbc'));
  assert.equal(fallback.profile.ciphers.dataCiphersFallback, 'BF-CBC');
  assert.deepEqual(codes(fallback.problems), ['1 config.insecure_setting']);
});

test('providers: the built-in default, legacy and base are kept in order; anything else is an error on its argument', () => {
  const { profile, problems } = parse(profileWith('providers legacy default'));
  assert.deepEqual(codes(problems), []);
  assert.deepEqual(profile.ciphers.providers, ['legacy', 'default']);
  assert.deepEqual(parse(profileWith('providers Legacy legacy base')).profile.ciphers.providers, ['legacy', 'base']);
  for (const line of ['providers legacy /usr/lib/ossl-modules/evil.so', 'providers fips', 'providers pkcs11 default']) {
    const refused = parse(profileWith(line));
    assert.deepEqual(codes(refused.problems, 'error'), ['1 config.bad_value'], line);
    assert.equal(refused.profile.ciphers.providers, undefined, `${line}: nothing is loaded`);
  }
  const path = parse(profileWith('providers legacy ./mine.so')).problems[0];
  assert.equal(path?.column, 'providers legacy '.length + 1, 'the column of the refused name');
  assert.match(parse(profileWith('providers fips')).problems[0]?.message ?? '', /no FIPS module/);
  assert.deepEqual(codes(parse(profileWith('providers')).problems, 'error'), ['1 config.bad_arguments']);
});

test('DEFAULT expands; ncp-ciphers is the old name', () => {
  const { profile, problems } = parse(profileWith('ncp-ciphers CHACHA20-POLY1305:DEFAULT'));
  assert.deepEqual(profile.ciphers.dataCiphers, ['CHACHA20-POLY1305', 'AES-256-GCM', 'AES-128-GCM']);
  assert.deepEqual(codes(problems), ['1 config.directive_ignored']);
});

test('a list with nothing usable, or an unknown name, is an error', () => {
  assert.deepEqual(codes(parse(profileWith('data-ciphers SEED-CBC')).problems, 'error'), ['1 config.unsupported_value']);
  assert.deepEqual(codes(parse(profileWith('data-ciphers AES-256-GCM:FOO')).problems, 'error'), ['1 config.bad_value']);
});

test('cipher, data-ciphers-fallback and auth', () => {
  const { profile, problems } = parse(profileWith('cipher aes-256-cbc\ndata-ciphers-fallback AES-128-CBC\nauth sha256'));
  assert.deepEqual(codes(problems), []);
  assert.equal(profile.ciphers.cipher, 'AES-256-CBC');
  assert.equal(profile.ciphers.dataCiphersFallback, 'AES-128-CBC');
  assert.equal(profile.ciphers.auth, 'SHA256');
  assert.deepEqual(codes(parse(profileWith('cipher BF-CBC')).problems), ['1 config.insecure_setting']);
  assert.deepEqual(codes(parse(profileWith('auth MD5')).problems), ['1 config.insecure_setting']);
  assert.deepEqual(codes(parse(profileWith('auth WHIRLPOOL')).problems), ['1 config.unsupported_value']);
  assert.deepEqual(codes(parse(profileWith('data-ciphers-fallback RC2-CBC')).problems, 'warning'), ['1 config.insecure_setting', '1 config.unsupported_value']);
});

test('secret (static-key mode) is unsupported', () => {
  assert.deepEqual(codes(parse(profileWith('secret static.key')).problems), ['1 config.unsupported_directive']);
});
