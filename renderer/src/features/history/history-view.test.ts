import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import type { PastConnection } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { HistoryView } from './history-view';
import { endText, phaseText, reconnectText, usageText } from './story-text';

const PAST: PastConnection = { profileName: 'Work', startedAtMs: 1_000, endedAtMs: 400_000, connectedForMs: 302_000, bytesIn: 1_200_000, bytesOut: 300_000, reconnects: 2, endCode: null };

test('story words: phases with tenths of a second, reconnect causes, how it ended with the next step', () => {
  assert.equal(phaseText({ state: 'tls_handshake', startMs: 50, durationMs: 400 }, null), 'Checking the server: 0.4 s');
  assert.equal(phaseText({ state: 'resolving', startMs: 0, durationMs: null }, null), 'Looking up the server: going on');
  assert.equal(phaseText({ state: 'connected', startMs: 900, durationMs: 62_000 }, 5), 'Connected for 1 min 02 s');
  assert.equal(reconnectText({ code: 'network.changed', tookMs: 700 }), 'Reconnected because the network changed; back after 0.7 s');
  assert.equal(usageText(PAST), 'Up 5 min 02 s · 1.2 MB in · 300 kB out · reconnected 2 times');
  assert.equal(endText(PAST), 'You disconnected.');
  assert.match(endText({ endCode: 'auth.failed', connectedForMs: 0 }), /^Did not connect\. \S/);
  assert.match(endText({ endCode: 'session.ping_restart', connectedForMs: 5 }), /^The connection dropped\. \S/);
  // A code the table does not know still says something, never "undefined".
  assert.doesNotMatch(endText({ endCode: 'brand.new_code', connectedForMs: 5 }), /undefined/);
});

test("the History view: empty, then main's entries from the snapshot and story events, newest first", async () => {
  const fake = fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, timeline: null, history: [] }) });
  const store = createAppStore(fake.api, () => 1_000_000);
  store.getState().start();
  await settle();
  assert.match(renderMarkup(store, createElement(HistoryView)), /No connections yet/);
  fake.emit({ type: 'story', timeline: null, history: [{ ...PAST, profileName: 'Home', endCode: 'auth.failed', connectedForMs: 0, startedAtMs: 2_000 }, PAST] });
  const html = renderMarkup(store, createElement(HistoryView));
  assert.ok(html.indexOf('Home') < html.indexOf('Work'), html);
  assert.match(html, /Did not connect/);
  assert.match(html, /You disconnected/);
});

test('Save diagnostics…: the path main wrote is shown; a cancelled dialog says so', async () => {
  let answer: unknown = { saved: true, path: '/home/u/postern-diagnostics.tar.gz', files: 10 };
  const fake = fakeAppApi({ 'diagnostics.save': () => answer });
  const store = createAppStore(fake.api, () => 1_000_000);
  assert.equal(await store.getState().saveDiagnostics(), true);
  assert.match(renderMarkup(store, createElement(HistoryView)), /Diagnostics saved to \/home\/u\/postern-diagnostics\.tar\.gz/);
  answer = { saved: false };
  assert.equal(await store.getState().saveDiagnostics(), false);
  assert.match(renderMarkup(store, createElement(HistoryView)), /Diagnostics not saved/);
});
