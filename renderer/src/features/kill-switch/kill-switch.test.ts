import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import type { AppSnapshot, KillSwitchState } from '../../../../electron/api/app-api';
import { createAppStore } from '../../store/app-store';
import { SNAPSHOT, fakeAppApi, settle } from '../../testing/fake-app-api';
import { renderMarkup } from '../../testing/render-markup';
import { BlockingBanner } from './blocking-banner';
import { KillSwitchSettings } from './kill-switch-settings';

async function markupOf(element: 'settings' | 'banner', snapshot: Partial<AppSnapshot>): Promise<string> {
  const store = createAppStore(fakeAppApi({ 'app.snapshot': () => ({ ...SNAPSHOT, ...snapshot }) }).api);
  store.getState().start();
  await settle();
  return renderMarkup(store, element === 'settings' ? createElement(KillSwitchSettings) : createElement(BlockingBanner, { profile: SNAPSHOT.profiles[0] }));
}

const state = (mode: KillSwitchState['mode'], blocking: boolean, allowLan = false): KillSwitchState => ({ mode, allowLan, dnsLeakProtection: true, blocking });

test('settings: the three modes with what each blocks, allow-LAN and DNS leak protection explained, the exceptions, what it does now', async () => {
  const html = await markupOf('settings', { killSwitch: state('always', true, true) });
  assert.match(html, /<legend>When to block<\/legend>/);
  for (const mode of ['off', 'auto', 'always']) assert.match(html, new RegExp(`type="radio"[^>]*data-testid="kill-switch-mode-${mode}"`));
  assert.match(html, /data-testid="kill-switch-mode-always"[^>]*checked=""|checked=""[^>]*data-testid="kill-switch-mode-always"/);
  assert.match(html, /Nothing is blocked/);
  assert.match(html, /From the moment you press Connect until you disconnect on purpose, nothing leaves this computer except through the VPN: also while it reconnects, if it fails, and if the Postern helper stops\./);
  assert.match(html, /connected or not, until you turn this off/);
  assert.match(html, /Allow the local network/);
  assert.match(html, /private addresses such as 192\.168\.x\.x, and link-local ones/);
  assert.match(html, /DNS leak protection/);
  assert.match(html, /Always allowed, even while blocking: this computer talking to itself, the VPN server you connect to, and getting a network address \(DHCP, IPv6 neighbour discovery\)\./);
  assert.match(html, /data-testid="kill-switch-now" data-blocking="true">Right now: blocking all traffic that does not go through the VPN\./);
  // Every explanation is tied to its control for screen readers.
  for (const [, describedBy] of html.matchAll(/aria-describedby="([^"]+)"/g)) assert.ok(html.includes(`id="${describedBy}"`), `${describedBy} exists`);
  assert.equal([...html.matchAll(/aria-describedby=/g)].length, 5);
});

test('settings without a helper, or with one that has no kill switch, say so instead of showing controls', async () => {
  const noHelper = await markupOf('settings', { helper: { state: 'unavailable', code: 'ipc.helper_unavailable', message: 'x', howToStart: 'y' }, killSwitch: null });
  assert.match(noHelper, /data-testid="kill-switch-unavailable">The kill switch is kept by the Postern helper\. Start the helper to see or change it\./);
  assert.doesNotMatch(noHelper, /type="radio"/);
  const oldHelper = await markupOf('settings', { killSwitch: null });
  assert.match(oldHelper, /This Postern helper has no kill switch\. Update the helper to use it\./);
});

test('the blocking banner: always offers Connect and turning the kill switch off; auto offers Connect and Stop blocking', async () => {
  const always = await markupOf('banner', { killSwitch: state('always', true) });
  assert.match(always, /role="alert" data-testid="blocking-banner" data-mode="always"/);
  assert.match(always, /<strong>Blocking traffic — no VPN connected<\/strong>/);
  assert.match(always, /Connect, or turn the kill switch off\./);
  assert.match(always, /data-testid="blocking-connect">Connect Work</);
  assert.match(always, /data-testid="blocking-turn-off">Turn the kill switch off</);
  const auto = await markupOf('banner', { killSwitch: state('auto', true) });
  assert.match(auto, /The VPN stopped without you disconnecting, so the kill switch keeps blocking\./);
  assert.match(auto, /data-testid="blocking-lift">Stop blocking</);
  assert.doesNotMatch(auto, /blocking-turn-off/);
  assert.equal(await markupOf('banner', { killSwitch: state('always', false) }), '');
  assert.equal(await markupOf('banner', { killSwitch: state('off', false) }), '');
});

test('the helper banner says a block the helper left stays, and how to lift it without the helper', async () => {
  const { Banners } = await import('../../components/banners');
  const store = createAppStore(fakeAppApi({
    'app.snapshot': () => ({ ...SNAPSHOT, helper: { state: 'unavailable', code: 'ipc.closed', message: 'closed', howToStart: 'Start the helper: sudo npx postern helper', killSwitchLeftBlocking: true }, killSwitch: null }),
  }).api);
  store.getState().start();
  await settle();
  const html = renderMarkup(store, createElement(Banners));
  assert.match(html, /data-testid="helper-gone-blocking"><strong>Blocking traffic — no VPN connected\.<\/strong> The kill switch keeps blocking while the helper is away/);
  assert.match(html, /sudo nft delete table inet postern/);
  assert.equal(await markupOf('banner', { helper: { state: 'unavailable', code: 'ipc.closed', message: 'closed', howToStart: 'x', killSwitchLeftBlocking: true }, killSwitch: null }), '', 'not the blocking banner: only a running helper says');
});
