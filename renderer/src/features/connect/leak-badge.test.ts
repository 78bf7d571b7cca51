import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import type { LeakCheckResult } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, session, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { LeakBadge } from './leak-badge';

async function badgeFor(state: 'connected' | 'reconnecting', leakCheck: LeakCheckResult | null): Promise<string> {
  const snapshot = { ...SNAPSHOT, session: session({ state, leakCheck }) };
  const store = createAppStore(fakeAppApi({ 'app.snapshot': () => snapshot }).api);
  store.getState().start();
  await settle();
  return renderMarkup(store, createElement(LeakBadge));
}

const checks: LeakCheckResult['checks'] = [
  { id: 'default_route_v4', ok: true, detail: 'public addresses route through tun0' },
  { id: 'dns_servers', ok: false, detail: 'resolv.conf names resolvers that are not the tunnel\'s: 192.0.2.53' },
];

test('checking before the result: a plain label, nothing to open', async () => {
  const html = await badgeFor('connected', null);
  assert.match(html, /data-testid="leak-badge" data-state="checking">Checking for leaks…</);
  assert.doesNotMatch(html, /<button/);
  assert.equal(await badgeFor('reconnecting', null), '', 'no badge while not connected');
});

test('passed: "No leaks found" opens the checks, each in plain words with what the helper found', async () => {
  const html = await badgeFor('connected', { ok: true, atMs: 1, checks: [checks[0]!] });
  assert.match(html, /<button[^>]*data-state="ok"[^>]*aria-expanded="false" aria-controls="([^"]+)"/);
  const controls = /aria-controls="([^"]+)"/.exec(html)?.[1];
  assert.match(html, new RegExp(`id="${controls}" class="leak-details" data-testid="leak-details" hidden=""`));
  assert.match(html, /No leaks found/);
  assert.match(html, /Internet traffic \(IPv4\)/);
  assert.match(html, /public addresses route through tun0/);
  assert.doesNotMatch(html, /role="alert"/, 'a pass is said quietly');
});

test('failed: the badge says so, an alert tells screen readers at once, each check is marked passed or failed', async () => {
  const html = await badgeFor('connected', { ok: false, atMs: 1, checks });
  assert.match(html, /data-state="failed"/);
  assert.match(html, /role="alert" data-testid="leak-alert">Leak check failed\. Some traffic may leave outside the VPN\./);
  assert.match(html, /data-check-id="dns_servers" data-ok="false"[^>]*>.*Failed: .*DNS servers in use.*192\.0\.2\.53/);
  assert.match(html, /data-check-id="default_route_v4" data-ok="true"[^>]*>.*Passed: /);
});
