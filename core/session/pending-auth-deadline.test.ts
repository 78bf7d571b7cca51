import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pendingAuthSeconds } from './pending-auth-deadline';

test('AUTH_PENDING deadline: the server\'s timeout, else the hand-window, capped at max(reneg-sec/2, hand-window)', () => {
  const timers = { handWindowSeconds: 60, renegotiateSeconds: 3600, pingRestartSeconds: 120, tlsTimeoutSeconds: 2 };
  assert.equal(pendingAuthSeconds(undefined, timers), 60);
  assert.equal(pendingAuthSeconds(3, timers), 3);
  assert.equal(pendingAuthSeconds(300, timers), 300);
  assert.equal(pendingAuthSeconds(86_400, timers), 1800);
  assert.equal(pendingAuthSeconds(600, { ...timers, renegotiateSeconds: 60 }), 60, 'a short reneg-sec leaves the hand-window as the cap');
});
