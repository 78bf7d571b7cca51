import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAKE_CERT, block, codes, filesFrom, parse, profileWith } from '../test-kit';

const userPassProfile = (lines: string): string => `client\ndev tun\nremote a\n${block('ca', FAKE_CERT)}${lines}\n`;

test('auth-user-pass alone: the user is asked', () => {
  const { profile, problems } = parse(userPassProfile('auth-user-pass'));
  assert.deepEqual(codes(problems), []);
  assert.equal(profile.auth.userPass, true);
  assert.equal(profile.auth.username, undefined);
});

test('inline and file credentials; the password is a Secret', () => {
  const inline = parse(userPassProfile(block('auth-user-pass', 'alice\nFAKE-pw\n'))).profile.auth;
  assert.equal(inline.username, 'alice');
  assert.equal(inline.password?.reveal(), 'FAKE-pw');
  assert.equal(String(inline.password), '[redacted]');
  const file = parse(userPassProfile('auth-user-pass up.txt'), { readFile: filesFrom({ 'up.txt': 'bob\r\n' }) }).profile.auth;
  assert.equal(file.username, 'bob');
  assert.equal(file.password, undefined);
});

test('an empty username or an over-long field is an error', () => {
  assert.deepEqual(codes(parse(userPassProfile(block('auth-user-pass', '\npw\n'))).problems), ['9 config.inline_bad_content']);
  assert.deepEqual(codes(parse(userPassProfile(block('auth-user-pass', `u\n${'p'.repeat(200)}\n`))).problems), ['9 config.inline_bad_content']);
});

test('auth-nocache, auth-retry, static-challenge', () => {
  const { profile } = parse(userPassProfile('auth-user-pass\nauth-nocache\nauth-retry nointeract\nstatic-challenge "Code?" 1'));
  assert.equal(profile.auth.noCache, true);
  assert.equal(profile.auth.retry, 'nointeract');
  assert.deepEqual(profile.auth.staticChallenge, { text: 'Code?', echo: true, format: 'scrv1' });
  assert.deepEqual(codes(parse(userPassProfile('auth-user-pass\nstatic-challenge "Code?" yes')).problems, 'error'), ['10 config.bad_value']);
  assert.deepEqual(parse(userPassProfile('auth-user-pass\nstatic-challenge "OTP" 0 concat')).profile.auth.staticChallenge, { text: 'OTP', echo: false, format: 'concat' });
  assert.equal(parse(userPassProfile('auth-user-pass')).profile.auth.retry, 'none', 'auth-retry defaults to none');
  assert.deepEqual(codes(parse(userPassProfile('auth-user-pass\nauth-retry sometimes')).problems, 'error'), ['10 config.bad_value']);
  assert.deepEqual(codes(parse(userPassProfile('auth-user-pass\nstatic-challenge "OTP" 1 base32')).problems, 'error'), ['10 config.bad_value']);
  assert.equal(codes(parse(userPassProfile('auth-user-pass\nstatic-challenge "OTP"')).problems, 'error').length, 1, 'the echo flag is required');
});

test('askpass with and without a file', () => {
  assert.equal(parse(profileWith('askpass')).profile.auth.askPassphrase, true);
  const withFile = parse(profileWith('askpass pass.txt'), { readFile: filesFrom({ 'pass.txt': 'FAKE-phrase\n' }) }).profile.auth;
  assert.equal(withFile.keyPassphrase?.reveal(), 'FAKE-phrase');
});

test('no certificate and no auth-user-pass: no way to log in', () => {
  assert.deepEqual(codes(parse(`client\ndev tun\nremote a\n${block('ca', FAKE_CERT)}`).problems), ['0 config.missing_client_auth']);
});
