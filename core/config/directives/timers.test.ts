import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE_DEFAULTS } from '../constants';
import { codes, parse, profileWith } from '../test-kit';

test('defaults come from protocol.md §14', () => {
  const { timers } = parse(profileWith('')).profile;
  assert.deepEqual(timers, {
    pingRestartSeconds: 120, handWindowSeconds: 60, renegotiateSeconds: 3600, tranWindowSeconds: 3600, tlsTimeoutSeconds: 2,
    connectRetrySeconds: 1, connectRetryMaxSeconds: 300, serverPollTimeoutSeconds: 120,
  });
  assert.equal(PROFILE_DEFAULTS.mssfixBytes, 1492);
});

test('keepalive sets ping and ping-restart, and checks their ratio', () => {
  const { timers } = parse(profileWith('keepalive 10 60')).profile;
  assert.deepEqual([timers.pingSeconds, timers.pingRestartSeconds], [10, 60]);
  assert.deepEqual(codes(parse(profileWith('keepalive 10 15')).problems), ['1 config.bad_value']);
});

test('every timer directive', () => {
  const { profile, problems } = parse(profileWith('ping 5\nping-restart 30\nping-exit 90\ninactive 600 1000\nhand-window 30\nreneg-sec 7200 3600\nreneg-bytes 1000000\nreneg-pkts 5000\ntran-window 60\ntls-timeout 3\nconnect-retry 2 20\nconnect-retry-max 4\nconnect-timeout 15\nexplicit-exit-notify'));
  assert.deepEqual(codes(problems), []);
  assert.deepEqual(profile.timers, {
    pingSeconds: 5, pingRestartSeconds: 30, pingExitSeconds: 90, inactiveSeconds: 600, handWindowSeconds: 30, renegotiateSeconds: 7200,
    renegotiateBytes: 1000000, renegotiatePackets: 5000, tranWindowSeconds: 60, tlsTimeoutSeconds: 3, connectRetrySeconds: 2,
    connectRetryMaxSeconds: 20, connectRetryMax: 4, serverPollTimeoutSeconds: 15,
  });
  assert.equal(profile.explicitExitNotify, 1);
  assert.equal(profile.remotes[0]?.explicitExitNotify, 1);
});

test('explicit-exit-notify is dropped for TCP remotes, as 2.x does', () => {
  const { profile } = parse(profileWith('explicit-exit-notify 3\nproto tcp'));
  assert.equal(profile.explicitExitNotify, 3);
  assert.equal(profile.remotes[0]?.explicitExitNotify, undefined);
});

test('negative, fractional or huge values are errors', () => {
  assert.deepEqual(codes(parse(profileWith('ping -1\nping-restart 1.5\nhand-window 99999999999\nconnect-retry 70000')).problems),
    ['1 config.bad_value', '2 config.bad_value', '3 config.bad_value', '4 config.bad_value']);
});
