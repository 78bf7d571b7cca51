import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDataFormat } from './key-exchange';

const flags = (...names: string[]): Set<string> => new Set(names);

test('no aead-epoch pushed (a 2.6 server, or 2.7 declining): the classic format, whatever else was pushed', () => {
  assert.deepEqual(chooseDataFormat({ protocolFlags: flags('cc-exit', 'tls-ekm', 'dyn-tls-crypt'), peerId: 1 }, 'AES-256-GCM'), { ok: true, value: 'classic' });
  assert.deepEqual(chooseDataFormat({ protocolFlags: flags(), peerId: undefined }, 'AES-256-CBC'), { ok: true, value: 'classic' });
});

test('aead-epoch with a peer-id and an AEAD cipher: epoch keys', () => {
  for (const cipher of ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305', 'aes-192-gcm']) {
    assert.deepEqual(chooseDataFormat({ protocolFlags: flags('cc-exit', 'tls-ekm', 'dyn-tls-crypt', 'aead-epoch'), peerId: 0 }, cipher), { ok: true, value: 'epoch' });
  }
});

test('aead-epoch without a peer-id, or with a cipher that is not AEAD, fails the attempt with its own code (protocol-2.7.md §1.1)', () => {
  const noPeerId = chooseDataFormat({ protocolFlags: flags('aead-epoch'), peerId: undefined }, 'AES-256-GCM');
  assert.equal(!noPeerId.ok && noPeerId.error.code, 'ncp.epoch_needs_peer_id');
  const cbc = chooseDataFormat({ protocolFlags: flags('aead-epoch'), peerId: 3 }, 'AES-256-CBC');
  assert.equal(!cbc.ok && cbc.error.code, 'ncp.epoch_needs_aead');
});
