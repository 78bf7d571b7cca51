import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import type { ConnectionTimeline } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, session, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { ConnectionStory, RENEGOTIATIONS_SHOWN } from './connection-story';

const TIMELINE: ConnectionTimeline = {
  sessionId: 's1', profileName: 'Work', startedAtMs: 1_000, connectedAtMs: 1_900,
  phases: [{ state: 'resolving', startMs: 0, durationMs: 20 }, { state: 'tls_handshake', startMs: 20, durationMs: 400 }, { state: 'connected', startMs: 900, durationMs: null }],
  reconnects: [{ atMs: 60_000, code: 'network.changed', tookMs: 700 }],
  renegotiations: [{ atMs: 70_000, keyId: 1, cause: 'server', tookMs: 312 }, { atMs: 80_000, keyId: 2, cause: 'reneg_sec', tookMs: 45 }],
  renegotiationCount: 2,
};

test('Connection details: main\'s timeline of this session, phases then reconnects; nothing for another session', async () => {
  const fake = fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, session: session({ state: 'connected' }), timeline: TIMELINE, history: [] }) });
  const store = createAppStore(fake.api, () => 1_000_000);
  store.getState().start();
  await settle();
  const html = renderMarkup(store, createElement(ConnectionStory, { sessionId: 's1' }));
  assert.match(html, /<summary>Connection details<\/summary>/);
  assert.match(html, /Looking up the server: 0\.0 s/);
  assert.match(html, /Checking the server: 0\.4 s/);
  assert.match(html, /Connected since /);
  assert.match(html, /Reconnected because the network changed; back after 0\.7 s/);
  assert.match(html, /Keys renewed twice; the tunnel stayed up\./);
  assert.match(html, /Keys renewed \(the server asked\) — 0\.3 s/);
  assert.match(html, /Keys renewed \(on schedule\) — 0\.0 s/);
  assert.equal(renderMarkup(store, createElement(ConnectionStory, { sessionId: 's2' })), '');
});

test('many renegotiations: the count, and only the last few listed', async () => {
  const renegotiations = Array.from({ length: 50 }, (_, i) => ({ atMs: 100_000 + i * 1000, keyId: (i % 7) + 1, cause: 'server' as const, tookMs: i }));
  const fake = fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, session: session({ state: 'connected' }), timeline: { ...TIMELINE, renegotiations, renegotiationCount: 130 }, history: [] }) });
  const store = createAppStore(fake.api, () => 1_000_000);
  store.getState().start();
  await settle();
  const html = renderMarkup(store, createElement(ConnectionStory, { sessionId: 's1' }));
  assert.match(html, new RegExp(`Keys renewed 130 times; the tunnel stayed up\\. The last ${RENEGOTIATIONS_SHOWN}:`));
  assert.equal(html.match(/data-cause="server"/g)?.length, RENEGOTIATIONS_SHOWN);
  assert.match(html, /dateTime="1970-01-01T00:02:25\.000Z"/, 'the oldest listed is the 46th of the 50 main kept');
  assert.doesNotMatch(html, /dateTime="1970-01-01T00:02:24\.000Z"/);
  assert.match(html, /aria-label="Key renewals"/);
});

test('no renegotiation yet: nothing said about keys', async () => {
  const fake = fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, session: session({ state: 'connected' }), timeline: { ...TIMELINE, renegotiations: [], renegotiationCount: 0 }, history: [] }) });
  const store = createAppStore(fake.api, () => 1_000_000);
  store.getState().start();
  await settle();
  assert.doesNotMatch(renderMarkup(store, createElement(ConnectionStory, { sessionId: 's1' })), /Keys renewed/);
});
