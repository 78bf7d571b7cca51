import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { AppEvent } from '../../electron/api/app-api';
import { labTest } from '../lab/lab-test';
import type { LabOptions } from '../lab/lab';
import { startMainLab } from './main-lab';
import type { MainLab } from './main-lab';
import type { MainProcess, MainState } from './main-process';
import { REPO } from './main-process';

// The built Electron main (dist/electron/main.cjs) on the Electron double, run as the lab member,
// against the real `postern helper` (root, in the lab's client namespace) and the lab's openvpn
// 2.6 server: the tray connects and disconnects for real, a second start opens a profile's
// verdict, a sign-in question brings the window up, and quitting while connected asks.

const icon = (name: string): string => join(REPO, `assets/tray-${name}.png`);
const labels = (state: MainState): string[] => state.tray?.items.filter((i) => !i.separator).map((i) => i.label) ?? [];
const hasItem = (state: MainState, label: string, enabled = true): boolean => state.tray?.items.some((i) => i.label === label && i.enabled === enabled) === true;

async function startLabWithMain(t: TestContext, options: LabOptions = {}): Promise<{ env: MainLab; main: MainProcess }> {
  const env = await startMainLab(options);
  t.after(() => env.stop());
  const main = await env.startMain();
  await main.waitFor((s) => hasItem(s, 'Not connected', false), 'the tray with the helper connected');
  return { env, main };
}

/** Opens the profile as the file manager would (a second start with its path) and imports it from the verdict. */
async function openAndImport(main: MainProcess, path: string, name: string): Promise<void> {
  const seen = (await main.sentEvents()).length;
  await main.call('secondInstance', ['/usr/bin/postern', path], '/');
  const event = await main.waitForEvent((e) => e.type === 'open_profile' && e.file.path === path, `the verdict for ${path}`);
  assert.ok(event.type === 'open_profile');
  assert.equal(event.verdict.connectable, true, JSON.stringify(event.verdict.problems));
  assert.ok((await main.sentEvents()).length > seen);
  const imported = await main.invoke('own-page', 'profiles.import', { fileName: event.file.fileName, text: event.file.text, path, name });
  assert.equal(imported.ok, true, JSON.stringify(imported));
  await main.waitFor((s) => hasItem(s, `Connect ${name}`), `Connect ${name} in the tray`);
}

labTest('tray: "Connect <profile>" connects through the real helper to the server; icon and menu follow; "Disconnect" takes it down', { timeout: 120_000 }, async (t) => {
  const { env, main } = await startLabWithMain(t);
  const idle = await main.state();
  assert.equal(idle.tray?.image, icon('disconnected'));
  await openAndImport(main, env.writeProfile('Lab office.ovpn', env.lab.clientProfile({ remote: 'link' })), 'Lab office');

  assert.equal(await main.call('clickTray', 'Connect Lab office'), true);
  const up = await main.waitFor((s) => s.tray?.image === icon('connected'), 'the connected icon', 30_000);
  assert.equal(up.tray?.toolTip, 'Postern — Connected: Lab office');
  const upLabels = labels(up);
  assert.equal(upLabels[0], 'Connected: Lab office');
  assert.ok(upLabels.some((l) => /^Address: 10\.\d+\.\d+\.\d+$/.test(l)), upLabels.join(' | '));
  assert.ok(hasItem(up, 'Disconnect Lab office'), 'the profile\'s item turns into Disconnect');
  const pinged = await env.ping(3);
  assert.equal(pinged.code, 0, `pings through the tunnel:\n${pinged.stdout}`);
  assert.ok(up.notifications.some((n) => n.title === 'Postern: connected'), JSON.stringify(up.notifications));
  // The window was told too (it shows the same state).
  const states = (await main.sentEvents()).filter((e): e is Extract<AppEvent, { type: 'helper' }> => e.type === 'helper' && e.event.type === 'state').map((e) => e.event.type === 'state' ? e.event.state : '');
  assert.ok(states.includes('connected'), states.join(' → '));

  assert.equal(await main.call('clickTray', 'Disconnect Lab office'), true);
  const down = await main.waitFor((s) => s.tray?.image === icon('disconnected') && hasItem(s, 'Connect Lab office'), 'disconnected in the tray', 20_000);
  assert.equal(labels(down)[0], 'Not connected');
  assert.ok(down.notifications.some((n) => n.title === 'Postern: disconnected'));
  const after = await env.ping(1);
  assert.notEqual(after.code, 0, 'no tunnel after Disconnect');
});

labTest('a sign-in question brings the window up with its dialog; quitting while connected asks, keeps or disconnects, and never leaves a tunnel without an owner', { timeout: 180_000 }, async (t) => {
  const { env, main } = await startLabWithMain(t, { managementClientAuth: true });
  const management = env.lab.management;
  assert.ok(management);
  await management.ready;
  // The server lets every sign-in with the right password in.
  management.onEvent((event) => {
    if (event.kind !== 'client' || event.type !== 'CONNECT') return;
    if (event.env['password'] === 'correct horse') void management.clientAuthNt(event.cid, event.kid ?? 0);
    else void management.clientDeny(event.cid, event.kid ?? 0, 'wrong password');
  });
  await openAndImport(main, env.writeProfile('sign-in.ovpn', env.lab.clientProfile({ remote: 'link', extra: ['auth-user-pass'] })), 'Sign-in');

  await main.call('closeWindow');
  assert.equal((await main.state()).windows[0]?.visible, false, 'the window is in the tray');
  assert.equal(await main.call('clickTray', 'Connect Sign-in'), true);
  const prompt = await main.waitForEvent((e) => e.type === 'helper' && e.event.type === 'prompt', 'the sign-in question', 30_000);
  assert.ok(prompt.type === 'helper' && prompt.event.type === 'prompt');
  assert.equal(prompt.event.prompt.kind, 'credentials');
  await main.waitFor((s) => s.windows[0]?.visible === true && s.windows[0].focused, 'the window brought up for the question');
  await main.waitFor((s) => s.tray?.image === icon('attention'), 'the tray asking for attention meanwhile');
  const answered = await main.invoke('own-page', 'auth.answer', { promptId: prompt.event.prompt.id, username: 'alice', password: 'correct horse' });
  assert.equal(answered.ok, true, JSON.stringify(answered));
  await main.waitFor((s) => s.tray?.image === icon('connected'), 'connected after signing in', 30_000);

  // Quit → the question; Cancel keeps everything as it was.
  await main.call('clickTray', 'Quit');
  const asked = await main.waitFor((s) => s.dialogs.length === 1, 'the quit question');
  const question = asked.dialogs[0]?.options;
  assert.equal(question?.message, 'Sign-in is still connected.');
  assert.deepEqual(question?.buttons, ['Disconnect and Quit', 'Keep Connected and Quit', 'Cancel']);
  assert.equal(question?.cancelId, 2);
  assert.ok(asked.quitPhases.includes('cancelled') && !asked.quitPhases.includes('closing'), 'nothing closed while asking');
  await main.call('answerDialog', 2);
  await main.waitFor((s) => s.dialogs[0]?.answered === true, 'the answer taken');
  assert.equal(main.quit, false);
  assert.equal((await main.state()).tray?.image, icon('connected'));

  // Keep Connected and Quit: main ends; the helper keeps the tunnel, owned by the member.
  await main.call('clickTray', 'Quit');
  await main.waitFor((s) => s.dialogs.length === 2, 'asked again');
  await main.call('answerDialog', 1);
  assert.equal(await main.exited, 0);
  assert.equal(main.quit, true);
  assert.equal((await env.ping(2)).code, 0, 'the tunnel outlives the window, in the helper');

  // The next start finds it (its owner is the same user) and may take it down.
  const next = await env.startMain();
  await next.waitFor((s) => s.tray?.image === icon('connected') && hasItem(s, 'Disconnect Sign-in'), 'the next start shows the kept tunnel');
  await next.call('clickTray', 'Quit');
  await next.waitFor((s) => s.dialogs.length === 1, 'the quit question');
  await next.call('answerDialog', 0, true);
  assert.equal(await next.exited, 0);
  assert.notEqual((await env.ping(1)).code, 0, 'Disconnect and Quit took the tunnel down before quitting');
  const settings = JSON.parse(readFileSync(join(env.dataDir, 'settings.json'), 'utf8')) as { quitWhileConnected?: string };
  assert.equal(settings.quitWhileConnected, 'disconnect', '"every time" became the setting');

  // With the setting, quitting while connected disconnects without asking.
  const third = await env.startMain();
  await third.waitFor((s) => hasItem(s, 'Connect Sign-in'), 'the profile');
  await third.call('clickTray', 'Connect Sign-in');
  const again = await third.waitForEvent((e) => e.type === 'helper' && e.event.type === 'prompt', 'the sign-in question', 30_000);
  assert.ok(again.type === 'helper' && again.event.type === 'prompt');
  await third.invoke('own-page', 'auth.answer', { promptId: again.event.prompt.id, username: 'alice', password: 'correct horse' });
  await third.waitFor((s) => s.tray?.image === icon('connected'), 'connected', 30_000);
  await third.call('clickTray', 'Quit');
  assert.equal(await third.exited, 0);
  assert.equal(third.quit, true);
  assert.notEqual((await env.ping(1)).code, 0, 'disconnected by the setting');
});
