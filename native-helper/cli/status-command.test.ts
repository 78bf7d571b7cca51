import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionStatus } from '../api/index';
import { formatStatus } from './status-command';

const NOW = 1_700_000_100_000;
const session: SessionStatus = {
  sessionId: 's1', profileName: 'work', state: 'connected', ownerUid: 1000, startedAtMs: NOW - 200_000, connectedAtMs: NOW - 125_000,
  tunnel: null, stats: null, prompt: null, lastError: null,
};
const story = (count: number): NonNullable<SessionStatus['story']> => ({
  phases: [], reconnects: [], reconnectCount: 0,
  renegotiations: count === 0 ? [] : [{ keyId: 3, cause: 'server', tookMs: 42, atMs: NOW - 12_000 }], renegotiationCount: count,
});

test('postern status says how often the keys were renewed, and the last time why and how long it took', () => {
  assert.equal(formatStatus(session, NOW), 'work: connected for 2m 5s\n', 'a 1.4 helper: no story, no line');
  assert.equal(formatStatus({ ...session, story: story(0) }, NOW), 'work: connected for 2m 5s\n');
  assert.equal(formatStatus({ ...session, story: story(1) }, NOW), 'work: connected for 2m 5s\n  Keys:    renewed once, last 12s ago (the server asked; took 42 ms)\n');
  assert.match(formatStatus({ ...session, story: story(130) }, NOW), /Keys: {4}renewed 130 times, last 12s ago/);
});
