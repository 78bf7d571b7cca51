import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { APP_METHODS } from '../api/app-api';
import type { AppCallError, AppEvent } from '../api/app-api';
import { createCredentialStore } from '../credentials/credential-store';
import type { Encryptor } from '../credentials/credential-store';
import { HelperLink } from '../helper/helper-link';
import { ProfileStore } from '../profiles/profile-store';
import { CA, profileNaming } from '../testing/outside-files';
import { SettingsStore } from '../settings/settings-store';
import { FakeHelperServer, KILL_SWITCH_DEFAULTS, eventually, fakeSession } from '../testing/fake-helper-server';
import { GOOD_PROFILE } from '../testing/fixtures';
import { createAppController } from './app-controller';

/** A fake safeStorage on a Linux desktop with a Secret Service keyring. */
const xorEncryptor: Encryptor = {
  getSelectedStorageBackend: () => 'gnome_libsecret',
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from([...Buffer.from(plain)].map((b) => b ^ 0x5a)),
  decryptString: (encrypted) => Buffer.from([...encrypted].map((b) => b ^ 0x5a)).toString(),
};

async function fixture(t: { after(fn: () => Promise<void> | void): void }, options: { encryptor?: Encryptor; helperRunning?: boolean; seed?(dir: string): void } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'postern-controller-'));
  options.seed?.(dir);
  const server = new FakeHelperServer(join(dir, 'postern.sock'));
  if (options.helperRunning ?? true) await server.start();
  const helper = new HelperLink({ socketPath: server.socketPath, trustOwnUid: process.getuid?.() !== 0 });
  const opened: string[] = [];
  const notes: string[] = [];
  const controller = createAppController({
    profiles: new ProfileStore(dir, () => 1000),
    credentials: createCredentialStore(dir, options.encryptor),
    settings: new SettingsStore(dir),
    helper,
    openExternal: (url) => opened.push(url),
    notify: (title) => notes.push(title),
    dataDir: dir,
    posternVersion: '0.0.0-test',
    nowMs: () => Date.UTC(2026, 11, 3, 12),
  });
  const events: AppEvent[] = [];
  controller.onEvent((event) => events.push(event));
  helper.start();
  t.after(async () => { helper.stop(); await server.stop(); rmSync(dir, { recursive: true, force: true }); });
  if (options.helperRunning ?? true) await eventually(() => helper.state.state === 'connected', 'helper link');
  return { dir, server, helper, controller, events, opened, notes };
}

const code = (expected: string) => (error: AppCallError) => error.code === expected;

test('every call is validated against APP_METHODS; unknown methods and bad params get codes', async (t) => {
  const { controller } = await fixture(t);
  await assert.rejects(controller.call('tunnel.explode', {}), code('app.unknown_method'));
  await assert.rejects(controller.call('profiles.rename', { id: 'x' }), code('app.bad_request'));
  await assert.rejects(controller.call('tunnel.disconnect', { extra: 1 }), code('app.bad_request'));
  await assert.rejects(controller.call('log.recent', { limit: 0 }), code('app.bad_request'));
  await assert.rejects(controller.call('tunnel.connect', { profileId: 'nope' }), code('profiles.not_found'));
});

test('snapshot: helper link, profiles, session, settings; a snapshot event after each change', async (t) => {
  const { controller, events } = await fixture(t);
  const snapshot = await controller.call('app.snapshot', {});
  assert.deepEqual(snapshot, {
    helper: { state: 'connected', helperVersion: '9.9.9-test' }, profiles: [], session: null,
    settings: { launchAtLogin: false, notifications: true }, rememberAvailable: false, rememberUnavailableReason: 'browser_mode',
    killSwitch: { mode: 'off', allowLan: false, dnsLeakProtection: true, blocking: false },
    launchAtLoginAvailable: false, timeline: null, history: [],
  });
  events.length = 0;
  const entry = await controller.call('profiles.import', { fileName: 'work.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  await controller.call('profiles.rename', { id: entry.id, name: 'Office' });
  await controller.call('settings.update', { notifications: false });
  await controller.call('profiles.delete', { id: entry.id });
  assert.deepEqual(events.map((e) => e.type), ['snapshot', 'snapshot', 'snapshot', 'snapshot']);
  const last = events.at(-1);
  assert.ok(last?.type === 'snapshot' && last.snapshot.profiles.length === 0 && !last.snapshot.settings.notifications);
});

test('preview gives the verdict with line numbers; a broken import is profile.invalid; duplicate names are refused', async (t) => {
  const { controller } = await fixture(t);
  const verdict = await controller.call('profiles.preview', { fileName: 'bad.ovpn', text: 'client\ndev tun\nremote\n' }) as { connectable: boolean; problems: Array<{ line: number }> };
  assert.equal(verdict.connectable, false);
  assert.ok(verdict.problems.some((p) => p.line === 3));
  await assert.rejects(controller.call('profiles.import', { fileName: 'bad.ovpn', text: 'client\ndev tun\nremote\n', name: 'Bad' }), code('profile.invalid'));
  await controller.call('profiles.import', { fileName: 'a.ovpn', text: GOOD_PROFILE, name: 'Home' });
  await assert.rejects(controller.call('profiles.import', { fileName: 'a.ovpn', text: GOOD_PROFILE, name: 'Home' }), code('profiles.duplicate_name'));
});

test('files outside the profile\'s folder: certificates are read only with the confirmed list of a preview; secrets never', async (t) => {
  const { controller, dir } = await fixture(t);
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'ca.crt'), CA);
  writeFileSync(join(outside, 'secret.txt'), 'MARKER-user\nMARKER-password\n');
  const text = profileNaming(join(outside, 'ca.crt'), join(outside, 'secret.txt'));
  const ca = join(outside, 'ca.crt');
  // No confirmation, or one without a preview of this text, or not the preview's list: nothing is read.
  await assert.rejects(controller.call('profiles.import', { fileName: 'p.ovpn', text, name: 'P' }), code('profiles.files_not_confirmed'));
  await assert.rejects(controller.call('profiles.import', { fileName: 'p.ovpn', text, name: 'P', confirmedFiles: [ca] }), code('profiles.files_not_confirmed'));
  const verdict = APP_METHODS['profiles.preview'].result.parse(await controller.call('profiles.preview', { fileName: 'p.ovpn', text }));
  assert.deepEqual(verdict.outsideFiles?.map((f) => `${f.kind} ${f.status} ${f.path}`), [`secret not_read ${join(outside, 'secret.txt')}`, `certificate found ${ca}`]);
  await assert.rejects(controller.call('profiles.import', { fileName: 'p.ovpn', text, name: 'P', confirmedFiles: [ca, '/etc/shadow'] }), code('profiles.files_not_confirmed'));
  await assert.rejects(controller.call('profiles.import', { fileName: 'p.ovpn', text: `${text}\n`, name: 'P', confirmedFiles: [ca] }), code('profiles.files_not_confirmed'));
  const entry = await controller.call('profiles.import', { fileName: 'p.ovpn', text, name: 'P', confirmedFiles: [ca] }) as { id: string };
  const stored = readFileSync(join(dir, 'profiles', `${entry.id}.ovpn`), 'utf8');
  assert.ok(stored.includes(CA.trim()));
  for (const name of readdirSync(join(dir, 'profiles'))) assert.ok(!readFileSync(join(dir, 'profiles', name), 'utf8').includes('MARKER'), name);
});

test('a dropped file with its path (Electron): the files beside it are read; a path whose file holds another text grants no folder', async (t) => {
  const { controller, dir } = await fixture(t);
  const folder = join(dir, 'dropped');
  mkdirSync(folder);
  writeFileSync(join(folder, 'ca.crt'), CA);
  writeFileSync(join(folder, 'creds.txt'), 'MARKER-user\nMARKER-password\n');
  const text = profileNaming('ca.crt', 'creds.txt');
  const path = join(folder, 'work.ovpn');
  writeFileSync(path, text);
  const verdict = APP_METHODS['profiles.preview'].result.parse(await controller.call('profiles.preview', { fileName: 'work.ovpn', text, path }));
  assert.equal(verdict.connectable, true, JSON.stringify(verdict.problems));
  assert.deepEqual(verdict.outsideFiles ?? [], [], 'inside its own folder nothing is outside');
  const entry = await controller.call('profiles.import', { fileName: 'work.ovpn', text, path, name: 'Dropped' }) as { id: string };
  assert.ok(readFileSync(join(dir, 'profiles', `${entry.id}.ovpn`), 'utf8').includes(CA.trim()), 'the CA beside it is inlined');
  // A window that names a path whose file is not this text (or no file at all) gets a text-only profile.
  for (const claimed of [join(folder, 'ca.crt'), join(folder, 'other.ovpn'), '/etc/passwd', 'work.ovpn']) {
    const unlocated = APP_METHODS['profiles.preview'].result.parse(await controller.call('profiles.preview', { fileName: 'work.ovpn', text, path: claimed }));
    assert.equal(unlocated.connectable, false, claimed);
  }
  writeFileSync(join(folder, 'other.ovpn'), `${text}\n# changed\n`);
  const changed = APP_METHODS['profiles.preview'].result.parse(await controller.call('profiles.preview', { fileName: 'work.ovpn', text, path: join(folder, 'other.ovpn') }));
  assert.equal(changed.connectable, false, 'another text at that path grants no folder');
});

test('preview of a file of lone quotes answers 200 problems and the count of the rest, as the schema says', async (t) => {
  const { controller } = await fixture(t);
  const verdict = await controller.call('profiles.preview', { fileName: 'quotes.ovpn', text: '"\n'.repeat(5_000) });
  const parsed = APP_METHODS['profiles.preview'].result.parse(verdict);
  assert.equal(parsed.problems.length, 200);
  assert.equal(parsed.omittedProblems, 5_004 - 200);
});

test('connect sends the stored self-contained text; disconnect, cancel and log go to the helper; its errors keep their codes', async (t) => {
  const { controller, server } = await fixture(t);
  const entry = await controller.call('profiles.import', { fileName: 'w.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  await controller.call('tunnel.connect', { profileId: entry.id });
  assert.deepEqual(server.calls('tunnel.connect')[0]?.params, { profile: { name: 'Work', text: GOOD_PROFILE } });
  await controller.call('tunnel.disconnect', {});
  await controller.call('auth.cancel', { promptId: 'p1' });
  assert.deepEqual(await controller.call('log.recent', { limit: 10 }), { lines: [] });
  assert.deepEqual(server.calls('log.recent')[0]?.params, { limit: 10 });
  server.answers.set('tunnel.connect', () => ({ ok: false, error: { code: 'tunnel.already_running', message: 'busy' } }));
  await assert.rejects(controller.call('tunnel.connect', { profileId: entry.id }), code('tunnel.already_running'));
});

test('a resume from sleep is passed to the helper as power.resumed; without a helper it changes nothing', async (t) => {
  const { controller, server } = await fixture(t);
  await controller.powerResumed();
  assert.equal(server.calls('power.resumed').length, 1);
  const alone = await fixture(t, { helperRunning: false });
  await alone.controller.powerResumed(); // resolves: no helper, nothing to tell
});

test('without a helper, calls answer ipc.helper_unavailable and the snapshot says how to start it', async (t) => {
  const { controller, helper } = await fixture(t, { helperRunning: false });
  await eventually(() => helper.state.state === 'unavailable', 'unavailable');
  await assert.rejects(controller.call('tunnel.disconnect', {}), code('ipc.helper_unavailable'));
  const snapshot = controller.snapshot();
  assert.equal(snapshot.helper.state === 'unavailable' && snapshot.helper.howToStart, 'Start the helper: sudo systemctl start postern-helper (the installed package), or from a checkout: sudo npx postern helper');
});

const credentialsPrompt = { id: 'p1', kind: 'credentials' as const, text: 'Sign in', echo: false, timeoutSeconds: null, needs: { username: true, password: true, response: false } };
const challengePrompt = { ...credentialsPrompt, id: 'p2', kind: 'static_challenge' as const, text: 'OTP', needs: { username: true, password: true, response: true } };

test('remember: username+password saved encrypted once connected (never the OTP); later connects send them', async (t) => {
  const { controller, server, dir, events } = await fixture(t, { encryptor: xorEncryptor });
  assert.equal(controller.snapshot().rememberAvailable, true);
  const entry = await controller.call('profiles.import', { fileName: 'w.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  await controller.call('tunnel.connect', { profileId: entry.id });
  // As the helper does: a state first, and its status carries the open question too.
  server.session = fakeSession({ state: 'authenticating', prompt: challengePrompt });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'authenticating', sinceStartMs: 1, previousStateMs: 1 });
  await eventually(() => controller.snapshot().session?.state === 'authenticating', 'session known');
  server.push({ type: 'prompt', sessionId: 's1', prompt: challengePrompt });
  await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'prompt'), 'prompt event');
  await controller.call('auth.answer', { promptId: 'p2', username: 'alice', password: 'hunter2-secret', response: '123456', remember: true });
  assert.deepEqual(server.calls('auth.answer')[0]?.params, { promptId: 'p2', username: 'alice', password: 'hunter2-secret', response: '123456' });
  assert.equal(controller.snapshot().profiles[0]?.hasSavedCredentials, false, 'nothing saved before the server accepted it');
  server.session = fakeSession({ state: 'connected' });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => controller.snapshot().profiles[0]?.hasSavedCredentials === true, 'credentials saved');
  assert.equal(controller.snapshot().profiles[0]?.savedUsername, 'alice');
  const onDisk = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  assert.ok(!onDisk.includes('hunter2-secret') && !onDisk.includes('123456'), 'no secret in clear on disk');
  await controller.call('tunnel.connect', { profileId: entry.id });
  assert.deepEqual((server.calls('tunnel.connect')[1]?.params as { credentials?: unknown }).credentials, { username: 'alice', password: 'hunter2-secret' });
  await controller.call('profiles.forgetCredentials', { id: entry.id });
  assert.equal(controller.snapshot().profiles[0]?.hasSavedCredentials, false);
});

test('remember is ignored without an encryptor (nothing written); refused saved credentials are forgotten', async (t) => {
  const plain = await fixture(t);
  const entry = await plain.controller.call('profiles.import', { fileName: 'w.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  await plain.controller.call('tunnel.connect', { profileId: entry.id });
  plain.server.push({ type: 'prompt', sessionId: 's1', prompt: credentialsPrompt });
  await eventually(() => plain.events.some((e) => e.type === 'helper' && e.event.type === 'prompt'), 'prompt event');
  await plain.controller.call('auth.answer', { promptId: 'p1', username: 'alice', password: 'pw', remember: true });
  plain.server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => plain.events.some((e) => e.type === 'helper' && e.event.type === 'state'), 'state event');
  assert.deepEqual(readdirSync(plain.dir).filter((f) => f.startsWith('credentials')), []);

  const safe = await fixture(t, { encryptor: xorEncryptor });
  const saved = await safe.controller.call('profiles.import', { fileName: 'w.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  createCredentialStore(safe.dir, xorEncryptor).save(saved.id, { username: 'bob', password: 'old' });
  await safe.controller.call('tunnel.connect', { profileId: saved.id });
  safe.server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'disconnected', sinceStartMs: 9, previousStateMs: 1, error: { code: 'auth.failed', message: 'AUTH_FAILED' } });
  await eventually(() => safe.controller.snapshot().profiles[0]?.hasSavedCredentials === false, 'refused credentials forgotten');
});

test('with safeStorage on basic_text (no keyring), remember is not offered, says why, and saves nothing', async (t) => {
  const { controller, server, dir, events } = await fixture(t, { encryptor: { ...xorEncryptor, getSelectedStorageBackend: () => 'basic_text' } });
  const snapshot = await controller.call('app.snapshot', {}) as { rememberAvailable: boolean; rememberUnavailableReason?: string };
  assert.equal(snapshot.rememberAvailable, false);
  assert.equal(snapshot.rememberUnavailableReason, 'no_keyring');
  const entry = await controller.call('profiles.import', { fileName: 'w.ovpn', text: GOOD_PROFILE, name: 'Work' }) as { id: string };
  await controller.call('tunnel.connect', { profileId: entry.id });
  server.push({ type: 'prompt', sessionId: 's1', prompt: credentialsPrompt });
  await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'prompt'), 'prompt event');
  await controller.call('auth.answer', { promptId: 'p1', username: 'alice', password: 'pw', remember: true });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'state'), 'state event');
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('credentials')), []);
});

test('auth.openUrl opens only the http(s) URL of the open web sign-in prompt', async (t) => {
  const { controller, server, opened, events } = await fixture(t);
  await assert.rejects(controller.call('auth.openUrl', { promptId: 'w1' }), code('auth.no_prompt'));
  const web = { ...credentialsPrompt, id: 'w1', kind: 'web_auth' as const, url: 'https://sso.example.org/login?x=1', needs: { username: false, password: false, response: false } };
  server.session = fakeSession({ state: 'auth_pending', prompt: web });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'auth_pending', sinceStartMs: 1, previousStateMs: 1 });
  await eventually(() => controller.snapshot().session?.state === 'auth_pending', 'session known');
  server.push({ type: 'prompt', sessionId: 's1', prompt: web });
  await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'prompt'), 'prompt event');
  await assert.rejects(controller.call('auth.openUrl', { promptId: 'other' }), code('auth.no_prompt'));
  await controller.call('auth.openUrl', { promptId: 'w1' });
  assert.deepEqual(opened, ['https://sso.example.org/login?x=1']);
  for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-settings:x']) {
    const id = `bad-${url.length}`;
    server.session = fakeSession({ state: 'auth_pending', prompt: { ...web, id, url } });
    server.push({ type: 'prompt', sessionId: 's1', prompt: { ...web, id, url } });
    await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'prompt' && e.event.prompt.id === id), 'prompt event');
    await assert.rejects(controller.call('auth.openUrl', { promptId: id }), code('auth.unsafe_url'), url);
  }
  server.session = fakeSession({ state: 'auth_pending' });
  server.push({ type: 'prompt_closed', sessionId: 's1', promptId: 'bad-13', reason: 'completed' });
  await eventually(() => events.some((e) => e.type === 'helper' && e.event.type === 'prompt_closed'), 'closed event');
  await assert.rejects(controller.call('auth.openUrl', { promptId: 'bad-13' }), code('auth.no_prompt'));
  assert.equal(opened.length, 1);
});

test('helper events reach listeners as they are; notifications follow the setting', async (t) => {
  const { controller, server, events, notes } = await fixture(t);
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => notes.length === 1, 'a notification');
  assert.deepEqual(notes, ['Postern: connected']);
  await controller.call('settings.update', { notifications: false });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'disconnected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => events.filter((e) => e.type === 'helper').length === 2, 'second event');
  assert.equal(notes.length, 1);
});

test('killswitch.set: validated, sent to the helper, answered with its state; its event brings a snapshot to every window', async (t) => {
  const { controller, server, events } = await fixture(t);
  await assert.rejects(controller.call('killswitch.set', { mode: 'sometimes' }), code('app.bad_request'));
  await assert.rejects(controller.call('killswitch.set', { mode: 'always', extra: true }), code('app.bad_request'));
  assert.equal(server.calls('killswitch.set').length, 0, 'nothing invalid reaches the helper');
  events.length = 0;
  const state = await controller.call('killswitch.set', { mode: 'always', allowLan: true });
  assert.deepEqual(server.calls('killswitch.set')[0]?.params, { mode: 'always', allowLan: true });
  assert.deepEqual(state, { ...KILL_SWITCH_DEFAULTS, mode: 'always', allowLan: true });
  // The helper blocks now (always, no tunnel): it says so to everyone.
  server.setKillSwitch({ ...KILL_SWITCH_DEFAULTS, mode: 'always', allowLan: true, blocking: true });
  await eventually(() => controller.snapshot().killSwitch?.blocking === true, 'the blocking state in the snapshot');
  assert.ok(events.some((e) => e.type === 'helper' && e.event.type === 'killswitch'), 'the event reaches the windows as it is');
  const last = events.filter((e) => e.type === 'snapshot').at(-1);
  assert.ok(last?.type === 'snapshot' && last.snapshot.killSwitch?.mode === 'always' && last.snapshot.killSwitch.blocking);
});

test('killswitch.set refused by the helper keeps its code; without a helper it is ipc.helper_unavailable', async (t) => {
  const { controller, server } = await fixture(t);
  server.answers.set('killswitch.set', () => ({ ok: false, error: { code: 'killswitch.failed', message: 'the firewall refused the kill switch: nft: not found' } }));
  await assert.rejects(controller.call('killswitch.set', { mode: 'auto' }), (error: AppCallError) => error.code === 'killswitch.failed' && /nft: not found/.test(error.message));
  assert.equal(controller.snapshot().killSwitch?.mode, 'off', 'the helper\'s state stays what it was');
  server.answers.delete('killswitch.set');
  server.killSwitch = null;
  await assert.rejects(controller.call('killswitch.set', { mode: 'auto' }), code('killswitch.unavailable'));

  const down = await fixture(t, { helperRunning: false });
  await eventually(() => down.helper.state.state === 'unavailable', 'unavailable');
  await assert.rejects(down.controller.call('killswitch.set', { mode: 'always' }), code('ipc.helper_unavailable'));
  assert.equal(down.controller.snapshot().killSwitch, null);
});

test('a failed leak check is a notification naming what failed; a passing one is not', async (t) => {
  const { server, notes } = await fixture(t);
  server.session = fakeSession({ state: 'connected' });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 9, previousStateMs: 1 });
  await eventually(() => notes.length === 1, 'connected');
  server.push({ type: 'leak_check', sessionId: 's1', ok: true, atMs: 10, checks: [{ id: 'dns_servers', ok: true, detail: 'in use: 10.8.0.1' }] });
  server.push({ type: 'leak_check', sessionId: 's1', ok: false, atMs: 20, checks: [{ id: 'dns_servers', ok: false, detail: 'resolv.conf names 192.0.2.53' }, { id: 'ipv6', ok: true, detail: 'x' }] });
  await eventually(() => notes.length === 2, 'a notification');
  assert.deepEqual(notes, ['Postern: connected', 'Postern: leak check failed']);
});

test('the story: state events become the timeline (a story event each); the end goes to the history in the snapshot', async (t) => {
  const { server, controller, events } = await fixture(t);
  events.length = 0;
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'resolving', sinceStartMs: 0, previousStateMs: 0 });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'connected', sinceStartMs: 400, previousStateMs: 400 });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'disconnected', sinceStartMs: 900, previousStateMs: 500, error: { code: 'server.exit', message: 'x' } });
  await eventually(() => events.filter((e) => e.type === 'story').length === 3, 'three story events');
  const story = events.filter((e) => e.type === 'story').at(-1);
  assert.ok(story?.type === 'story');
  assert.deepEqual(story.timeline?.phases.map((p) => [p.state, p.durationMs]), [['resolving', 400], ['connected', 500]]);
  assert.equal(story.history[0]?.endCode, 'server.exit');
  const snapshot = await controller.call('app.snapshot', {}) as { history: unknown[] };
  assert.equal(snapshot.history.length, 1);
});

test('an app started while a tunnel is up shows its story from the helper (phases, renegotiations), then adds the renegotiated events', async (t) => {
  const story = {
    phases: [{ state: 'resolving' as const, startMs: 0, durationMs: 40 }, { state: 'connected' as const, startMs: 600, durationMs: null }],
    reconnects: [], reconnectCount: 0,
    renegotiations: [{ keyId: 1, cause: 'server' as const, tookMs: 35, atMs: 1_000 }], renegotiationCount: 1,
  };
  // The helper runs a tunnel before the app hears of it: the link subscribes and reads the session.
  const { server, controller, events } = await fixture(t, { helperRunning: false });
  server.session = fakeSession({ state: 'connected', connectedAtMs: 700, story });
  await server.start();
  await eventually(() => controller.snapshot().timeline?.sessionId === server.session?.sessionId, 'the timeline from the helper\'s story');
  assert.deepEqual(controller.snapshot().timeline?.phases.map((p) => p.state), ['resolving', 'connected']);
  assert.equal(controller.snapshot().timeline?.renegotiationCount, 1);
  events.length = 0;
  server.push({ type: 'renegotiated', sessionId: server.session.sessionId, keyId: 2, cause: 'server', tookMs: 20, atMs: 2_000 });
  await eventually(() => events.some((e) => e.type === 'story'), 'a story event');
  const told = events.filter((e) => e.type === 'story').at(-1);
  assert.ok(told?.type === 'story');
  assert.deepEqual(told.timeline?.renegotiations.map((r) => [r.keyId, r.cause, r.tookMs]), [[1, 'server', 35], [2, 'server', 20]]);
});

test('diagnostics.save: without a dialog the archive goes to the data folder; no key or certificate of a profile in it', async (t) => {
  const { dir, server, controller } = await fixture(t);
  await controller.call('profiles.import', { fileName: 'work.ovpn', text: GOOD_PROFILE, name: 'Work' });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'resolving', sinceStartMs: 0, previousStateMs: 0 });
  server.push({ type: 'state', sessionId: 's1', profileName: 'Work', state: 'disconnected', sinceStartMs: 9, previousStateMs: 9 });
  await eventually(() => (controller.snapshot().history ?? []).length === 1, 'history entry');
  const saved = await controller.call('diagnostics.save', {}) as { saved: boolean; path: string; files: number };
  assert.ok(saved.saved);
  assert.equal(saved.path, join(dir, 'diagnostics', 'postern-diagnostics-2026-12-03T12-00-00-000Z.tar.gz'));
  const listed = spawnSync('tar', ['-tzf', saved.path], { encoding: 'utf8' });
  assert.deepEqual(listed.stdout.trim().split('\n').filter((name) => name.includes('/app/') || name.endsWith('profiles.json')).sort(), [
    'postern-diagnostics/app/history.json', 'postern-diagnostics/app/timeline.json', 'postern-diagnostics/profiles.json',
  ]);
  assert.equal(saved.files, listed.stdout.trim().split('\n').length);
  const text = gunzipSync(readFileSync(saved.path)).toString('utf8');
  assert.match(text, /"endCode": null/);
  assert.match(text, /"name": "Work"/);
  // The profile's key and certificate lines never enter: only the parser's summary and codes.
  for (const line of GOOD_PROFILE.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))) assert.ok(!text.includes(line), `key material in the archive: ${line}`);
  assert.ok(!text.includes('BEGIN'));
});

test('connect at start: the chosen profile connects once the helper answers; deleting it clears the setting', async (t) => {
  let profileId = '';
  const { server, controller } = await fixture(t, {
    seed: (dir) => {
      profileId = new ProfileStore(dir, () => 1000).import('work.ovpn', GOOD_PROFILE, 'Work').id;
      new SettingsStore(dir).update({ connectAtStart: profileId });
    },
  });
  await eventually(() => server.calls('tunnel.connect').length === 1, 'connect at start');
  assert.equal((server.calls('tunnel.connect')[0]?.params as { profile: { name: string } }).profile.name, 'Work');
  await controller.call('profiles.delete', { id: profileId });
  assert.equal(controller.snapshot().settings.connectAtStart, null);
});
