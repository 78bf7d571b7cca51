import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, parse, profileWith } from '../test-kit';

test('data-ciphers defaults to the three AEAD ciphers', () => {
  assert.deepEqual(parse(profileWith('')).profile.ciphers, { dataCiphers: ['AES-256-GCM', 'AES-128-GCM', 'CHACHA20-POLY1305'], auth: 'SHA1' });
});

test('data-ciphers is canonicalised; optional and unimplemented ciphers are left out', () => {
  const { profile, problems } = parse(profileWith('data-ciphers aes-128-gcm:?SM4-GCM:CAMELLIA-256-CBC:AES-256-CBC:aes-128-gcm'));
  assert.deepEqual(profile.ciphers.dataCiphers, ['AES-128-GCM', 'AES-256-CBC']);
  assert.deepEqual(codes(problems), ['1 config.unsupported_value']);
});

test('DEFAULT expands; ncp-ciphers is the old name', () => {
  const { profile, problems } = parse(profileWith('ncp-ciphers CHACHA20-POLY1305:DEFAULT'));
  assert.deepEqual(profile.ciphers.dataCiphers, ['CHACHA20-POLY1305', 'AES-256-GCM', 'AES-128-GCM']);
  assert.deepEqual(codes(problems), ['1 config.directive_ignored']);
});

test('a list with nothing usable, or an unknown name, is an error', () => {
  assert.deepEqual(codes(parse(profileWith('data-ciphers BF-CBC')).problems, 'error'), ['1 config.unsupported_value']);
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
  assert.deepEqual(codes(parse(profileWith('data-ciphers-fallback BF-CBC')).problems, 'warning'), ['1 config.insecure_setting', '1 config.unsupported_value']);
});

test('secret (static-key mode) is unsupported', () => {
  assert.deepEqual(codes(parse(profileWith('secret static.key')).problems), ['1 config.unsupported_directive']);
});
