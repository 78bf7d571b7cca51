import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectEncryptionKey, unprovenKeyWaitMs, type SelectableKey } from './key-selection';

interface Key extends SelectableKey {
  name: string;
}

function key(name: string, data?: { peerSendsWithKey?: boolean; encryptNotBeforeMs?: number }): Key {
  return { name, dataKeys: data && { peerSendsWithKey: data.peerSendsWithKey ?? false, encryptNotBeforeMs: data.encryptNotBeforeMs ?? 0 } };
}

const NOW = 10_000;

test('a freshly installed key waits while the lame duck still works', () => {
  const keys = [key('new', { encryptNotBeforeMs: NOW + 60_000 }), key('current', { peerSendsWithKey: true })];
  assert.equal(selectEncryptionKey(keys, NOW)?.name, 'current');
});

test('the new key is used once the server encrypts with it, or once its deferred-auth window passed', () => {
  assert.equal(selectEncryptionKey([key('new', { peerSendsWithKey: true, encryptNotBeforeMs: NOW + 1 }), key('current', { peerSendsWithKey: true })], NOW)?.name, 'new');
  assert.equal(selectEncryptionKey([key('new', { encryptNotBeforeMs: NOW }), key('current', { peerSendsWithKey: true })], NOW)?.name, 'new');
});

test('a newer negotiation retires the lame duck: the key after it is used even unproven (one-way traffic)', () => {
  // The server sent SOFT_RESET for "next": it freed "old" and decrypts only "current" and "next".
  const keys = [key('next'), key('current', { encryptNotBeforeMs: NOW + 50_000 }), key('old', { peerSendsWithKey: true })];
  assert.equal(selectEncryptionKey(keys, NOW)?.name, 'current');
});

test('with one key, it is used whatever its window says; with none, nothing', () => {
  assert.equal(selectEncryptionKey([key('only', { encryptNotBeforeMs: NOW + 1 })], NOW)?.name, 'only');
  assert.equal(selectEncryptionKey([key('opening')], NOW), undefined);
});

test('an unproven key waits as 2.x does: hand-window, or half of reneg-sec when shorter (reneg-sec 0: hand-window)', () => {
  assert.equal(unprovenKeyWaitMs({ handWindowSeconds: 60, renegotiateSeconds: 3600 }, undefined), 60_000);
  assert.equal(unprovenKeyWaitMs({ handWindowSeconds: 60, renegotiateSeconds: 40 }, undefined), 20_000);
  assert.equal(unprovenKeyWaitMs({ handWindowSeconds: 60, renegotiateSeconds: 0 }, undefined), 60_000);
});

test('a server renegotiating more often than that is followed: half of the interval it renegotiated at', () => {
  // reneg-sec 10 at the server: it switches 5 s into the new key and retires the old one 10 s in.
  assert.equal(unprovenKeyWaitMs({ handWindowSeconds: 60, renegotiateSeconds: 3600 }, 10_400), 5_200);
  // A slower server does not make us wait longer than our own window.
  assert.equal(unprovenKeyWaitMs({ handWindowSeconds: 60, renegotiateSeconds: 3600 }, 3_600_000), 60_000);
});
