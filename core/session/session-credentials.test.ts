import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Secret } from '../wire/secret';
import { SessionCredentials } from './session-credentials';

const credentials = { username: 'u', password: new Secret('pw') };

test('without auth-nocache the password serves every key of the session', () => {
  const held = new SessionCredentials(credentials, false);
  held.onConnected();
  held.sent();
  assert.deepEqual(held.forKey(false), { kind: 'ready', credentials });
});

test('auth-nocache: dropped once connected; a token stands in (username kept), else the owner is asked, and forgotten again after use', () => {
  const held = new SessionCredentials(credentials, true);
  held.sent(); // key id 0 before the push: still needed if the server asks again in this attempt
  assert.deepEqual(held.forKey(false), { kind: 'ready', credentials });
  held.onConnected();
  const withToken = held.forKey(true);
  assert.equal(withToken.kind === 'ready' && `${withToken.credentials?.username}/${withToken.credentials?.password.reveal()}`, 'u/');
  assert.deepEqual(held.forKey(false), { kind: 'ask' });
  held.provide({ username: 'u', password: new Secret('again') });
  const answered = held.forKey(false);
  assert.equal(answered.kind === 'ready' && answered.credentials?.password.reveal(), 'again');
  held.sent();
  assert.deepEqual(held.forKey(false), { kind: 'ask' });
});

test('a certificate-only profile sends no credentials and never asks', () => {
  const none = new SessionCredentials(undefined, true);
  none.onConnected();
  assert.deepEqual(none.forKey(false), { kind: 'ready', credentials: undefined });
});
