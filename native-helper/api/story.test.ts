import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as z from 'zod';
import { HelperEvent, RenegotiatedEvent, StateEvent, TunnelStory, STORY_MAX_RENEGOTIATIONS } from './events';
import { SessionStatus, StatusResult } from './methods';

// Protocol 1.5: the renegotiated event and the story in a session's status, and what a client
// that does not know them (1.4 and older) makes of them: it must go on working.

const renegotiated = { type: 'renegotiated', sessionId: 's1', keyId: 2, cause: 'reneg_sec', tookMs: 312, atMs: 1_700_000_000_000 } as const;
const story: TunnelStory = {
  phases: [{ state: 'resolving', startMs: 0, durationMs: 3 }, { state: 'connected', startMs: 400, durationMs: null }],
  reconnects: [{ atMs: 1_700_000_000_500, code: 'session.ping_restart', tookMs: 2100 }],
  reconnectCount: 1,
  renegotiations: [{ keyId: 1, cause: 'server', tookMs: 40, atMs: 1_700_000_000_900 }],
  renegotiationCount: 1,
};
const status = {
  sessionId: 's1', profileName: 'work', state: 'connected', ownerUid: 1000, startedAtMs: 1, connectedAtMs: 2,
  tunnel: null, stats: null, prompt: null, lastError: null, leakCheck: null, story,
};

test('a renegotiated event is a HelperEvent; its cause is a closed code and its key id 0..7', () => {
  assert.deepEqual(HelperEvent.parse(renegotiated), renegotiated);
  assert.equal(RenegotiatedEvent.safeParse({ ...renegotiated, cause: 'The server asked.' }).success, false);
  assert.equal(RenegotiatedEvent.safeParse({ ...renegotiated, keyId: 8 }).success, false);
  assert.equal(RenegotiatedEvent.safeParse({ ...renegotiated, tookMs: -1 }).success, false);
});

test('a 1.4 client (its event union without renegotiated, its status without story) skips the event and strips the story', () => {
  // What a 1.4 client validates with: the same schemas, less what 1.5 added.
  const OldEvent = z.discriminatedUnion('type', [StateEvent]);
  assert.equal(OldEvent.safeParse(renegotiated).success, false, 'not its kind: skipped (HelperConnection counts it, never fails)');
  const OldStatus = SessionStatus.omit({ story: true });
  const parsed = OldStatus.parse(status);
  assert.equal('story' in parsed, false, 'the unknown field is stripped, the status read');
  assert.equal(parsed.state, 'connected');
});

test('the story is bounded, and a story this client cannot read is left out without failing the status', () => {
  assert.deepEqual(SessionStatus.parse(status).story, story);
  const tooMany = { ...story, renegotiations: Array.from({ length: STORY_MAX_RENEGOTIATIONS + 1 }, (_, i) => ({ keyId: (i % 7) + 1, cause: 'server', tookMs: 1, atMs: i })) };
  assert.equal(TunnelStory.safeParse(tooMany).success, false);
  const fromTheFuture = { ...story, renegotiations: [{ keyId: 1, cause: 'quantum', tookMs: 1, atMs: 1 }] };
  const read = StatusResult.parse({ session: { ...status, story: fromTheFuture } });
  assert.equal(read.session?.story, undefined);
  assert.equal(read.session?.state, 'connected');
  assert.equal(SessionStatus.parse({ ...status, story: undefined }).story, undefined, 'a 1.4 helper sends none');
});
