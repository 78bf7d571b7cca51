import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import type { ConnectionTimeline } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, session, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { ConnectionStory } from './connection-story';

const TIMELINE: ConnectionTimeline = {
  sessionId: 's1', profileName: 'Work', startedAtMs: 1_000, connectedAtMs: 1_900,
  phases: [{ state: 'resolving', startMs: 0, durationMs: 20 }, { state: 'tls_handshake', startMs: 20, durationMs: 400 }, { state: 'connected', startMs: 900, durationMs: null }],
  reconnects: [{ atMs: 60_000, code: 'network.changed', tookMs: 700 }],
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
  assert.equal(renderMarkup(store, createElement(ConnectionStory, { sessionId: 's2' })), '');
});
