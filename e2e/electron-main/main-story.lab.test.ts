import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AppEvent, AppSnapshot } from '../../electron/api/app-api';
import { labTest } from '../lab/lab-test';
import { startMainLab } from './main-lab';
import type { MainProcess, MainState } from './main-process';
import { REPO } from './main-process';

// Issue 17: an app started while its tunnel is up still tells the connection's story. The built
// Electron main on the double, as the lab member, against the real helper and openvpn 2.6
// renewing the keys every few seconds (reneg-sec): main connects, quits keeping the tunnel, the
// server renews the keys meanwhile, and the next start shows the whole timeline, the way up and
// the renewals it never heard of, then goes on adding the new ones.

const RENEG_SECONDS = 4;
const icon = (name: string): string => join(REPO, `assets/tray-${name}.png`);
const hasItem = (state: MainState, label: string): boolean => state.tray?.items.some((i) => i.label === label && i.enabled) === true;

labTest('a main started while the tunnel is up shows its story from the helper: the way up and every key renewal, then the new ones', { timeout: 150_000 }, async (t) => {
  const env = await startMainLab({ serverConfig: [`reneg-sec ${RENEG_SECONDS}`] });
  t.after(() => env.stop());
  const first = await env.startMain();
  await first.waitFor((s) => s.tray?.items.some((i) => i.label === 'Not connected') === true, 'the tray with the helper connected');
  const path = env.writeProfile('Lab.ovpn', env.lab.clientProfile({ remote: 'link' }));
  await first.call('secondInstance', ['/usr/bin/postern', path], '/');
  const opened = await first.waitForEvent((e) => e.type === 'open_profile' && e.file.path === path, 'the verdict');
  assert.ok(opened.type === 'open_profile');
  const imported = await first.invoke('own-page', 'profiles.import', { fileName: opened.file.fileName, text: opened.file.text, path, name: 'Lab' });
  assert.equal(imported.ok, true, JSON.stringify(imported));
  await first.waitFor((s) => hasItem(s, 'Connect Lab'), 'Connect Lab in the tray');
  assert.equal(await first.call('clickTray', 'Connect Lab'), true);
  await first.waitFor((s) => s.tray?.image === icon('connected'), 'connected', 30_000);

  // Keep Connected and Quit: the tunnel stays in the helper; nobody in the app hears what follows.
  await first.call('clickTray', 'Quit');
  await first.waitFor((s) => s.dialogs.length === 1, 'the quit question');
  await first.call('answerDialog', 1);
  assert.equal(await first.exited, 0);
  await new Promise((resolve) => setTimeout(resolve, (RENEG_SECONDS * 2 + 1) * 1000));

  const next: MainProcess = await env.startMain();
  await next.waitFor((s) => s.tray?.image === icon('connected'), 'the next start shows the kept tunnel');
  const snapshot = await next.invoke('own-page', 'app.snapshot');
  assert.equal(snapshot.ok, true, JSON.stringify(snapshot));
  const timeline = (snapshot.result as AppSnapshot).timeline;
  t.diagnostic(`timeline at start: ${JSON.stringify(timeline)}`);
  assert.ok(timeline, 'a timeline for a tunnel this main never saw come up');
  const states: string[] = timeline.phases.map((p) => p.state);
  for (const state of ['tls_handshake', 'pulling_config', 'configuring', 'connected']) assert.ok(states.includes(state), `phase ${state} in ${states.join(', ')}`);
  assert.ok(timeline.connectedAtMs !== null);
  assert.ok(timeline.renegotiationCount >= 2, `the renewals while no app was there: ${timeline.renegotiationCount}`);
  assert.ok(timeline.renegotiations.every((r) => r.cause === 'server' && r.tookMs < RENEG_SECONDS * 1000));
  assert.deepEqual(timeline.renegotiations.map((r) => r.keyId), timeline.renegotiations.map((_, i) => (i % 7) + 1));

  // From now on main hears each renewal itself.
  const seen = timeline.renegotiationCount;
  const story = await next.waitForEvent((e) => e.type === 'story' && (e.timeline?.renegotiationCount ?? 0) > seen, 'a story event with the next renewal', (RENEG_SECONDS + 10) * 1000);
  assert.ok(story.type === 'story');
  assert.equal(story.timeline?.phases.length, timeline.phases.length, 'the way up stays as the helper told it');
  const told = (await next.sentEvents()).filter((e): e is Extract<AppEvent, { type: 'helper' }> => e.type === 'helper' && e.event.type === 'renegotiated');
  assert.ok(told.length >= 1, 'the renegotiated event reached the window too');

  await next.call('clickTray', 'Quit');
  await next.waitFor((s) => s.dialogs.length === 1, 'the quit question');
  await next.call('answerDialog', 0);
  assert.equal(await next.exited, 0);
  assert.notEqual((await env.ping(1)).code, 0, 'Disconnect and Quit took the tunnel down');
});
