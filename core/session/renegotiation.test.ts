import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RENEGOTIATION_CAUSES } from './codes';
import { completedRenegotiation, INITIAL_KEY_ID, KeyNegotiation } from './key-negotiation';
import { keyLimitReached } from './session-timers';
import { SMALL_BLOCK_RENEGOTIATE_BYTES } from '../data/cipher-suites';
import type { SessionSettings } from './session-settings';

// Who started a renegotiation and what it cost, as core tells its owner (onRenegotiated).
// The real exchange with an OpenVPN server is proven in core/client/resilience.lab.test.ts.

const timers: SessionSettings['timers'] = { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 };
const gcm = (exhausted = false) => ({ name: 'AES-256-GCM', shouldRenegotiate: () => exhausted });

test('our limits on a key: reneg-sec first, then reneg-bytes (set, or 64 MB for 64-bit blocks), then packet-ids', () => {
  assert.equal(keyLimitReached(undefined, timers, 10_000_000), undefined, 'no data keys yet: nothing to renew');
  const fresh = { establishedAtMs: 1_000, bytes: 0, cipher: gcm() };
  assert.equal(keyLimitReached(fresh, timers, 1_000 + 3_599_999), undefined);
  assert.equal(keyLimitReached(fresh, timers, 1_000 + 3_600_000), 'reneg_sec');
  assert.equal(keyLimitReached(fresh, { ...timers, renegotiateSeconds: 0 }, 1e12), undefined, 'reneg-sec 0: never by time');
  assert.equal(keyLimitReached({ ...fresh, bytes: 30_000 }, { ...timers, renegotiateBytes: 30_000 }, 2_000), 'reneg_bytes');
  assert.equal(keyLimitReached({ ...fresh, bytes: 29_999 }, { ...timers, renegotiateBytes: 30_000 }, 2_000), undefined);
  const blowfish = { ...fresh, bytes: SMALL_BLOCK_RENEGOTIATE_BYTES, cipher: { name: 'BF-CBC', shouldRenegotiate: () => false } };
  assert.equal(keyLimitReached(blowfish, timers, 2_000), 'reneg_bytes', 'SWEET32: 64-bit blocks renew at 64 MB unless reneg-bytes says otherwise');
  assert.equal(keyLimitReached(blowfish, { ...timers, renegotiateBytes: 0 }, 2_000), undefined);
  assert.equal(keyLimitReached({ ...fresh, cipher: gcm(true) }, timers, 2_000), 'packet_ids');
  // Two limits at once: the one reported is the first checked (time), as the log and the event say one cause.
  assert.equal(keyLimitReached({ establishedAtMs: 0, bytes: 50_000, cipher: gcm(true) }, { ...timers, renegotiateSeconds: 1, renegotiateBytes: 1 }, 1_000), 'reneg_sec');
});

test('a completed renegotiation says its key id, who started it and the time from the soft reset to the new key', () => {
  const ours = new KeyNegotiation(3, 10_000.4, 'reneg_sec');
  assert.deepEqual(completedRenegotiation(ours, 10_312.9), { keyId: 3, cause: 'reneg_sec', tookMs: 313 });
  const theirs = new KeyNegotiation(1, 5_000, 'server');
  assert.deepEqual(completedRenegotiation(theirs, 5_000), { keyId: 1, cause: 'server', tookMs: 0 });
  // The initial handshake is the connection itself, told by its phases: never a renegotiation.
  assert.equal(completedRenegotiation(new KeyNegotiation(INITIAL_KEY_ID, 0), 900), undefined);
  for (const key of [ours, theirs]) key.destroy();
});

test('the causes are a closed list of codes, no sentences', () => {
  assert.deepEqual([...RENEGOTIATION_CAUSES], ['server', 'reneg_sec', 'reneg_bytes', 'packet_ids']);
  for (const cause of RENEGOTIATION_CAUSES) assert.match(cause, /^[a-z_]+$/);
});
