import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import type { TestContext } from 'node:test';
import { GOOD_PROFILE } from '../../electron/testing/fixtures';
import type { AppEvent } from '../../electron/api/app-api';
import { MainProcess, REPO, ensureMainBuilt } from './main-process';

// The built Electron main (dist/electron/main.cjs, the packaged entry) on the Electron double,
// with no helper running: the window's hardening, the IPC sender check, the tray without a
// helper, Open with Postern, a second instance, and quitting with no VPN up.
// e2e/electron-main/main-tray.lab.test.ts does the same against the real helper and server.

const RENDERER_HTML = join(REPO, 'dist/renderer/index.html');

before(() => {
  ensureMainBuilt();
  if (!existsSync(RENDERER_HTML)) {
    const built = spawnSync(process.execPath, ['scripts/build.mjs', 'renderer'], { cwd: REPO, stdio: 'inherit' });
    assert.equal(built.status, 0, 'npm run build -- renderer');
  }
});

async function startMain(t: TestContext, args: readonly string[] = [], secondInstance = false): Promise<{ main: MainProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-main-'));
  const main = new MainProcess({ env: { POSTERN_DATA_DIR: join(dir, 'data'), POSTERN_SOCKET: join(dir, 'no-helper.sock') }, args, secondInstance });
  t.after(async () => {
    await main.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await main.loaded;
  return { main, dir };
}

const opened = (event: AppEvent): boolean => event.type === 'open_profile' || event.type === 'open_profile_failed';

test('the window: hardened webPreferences, the renderer from dist with its CSP, no navigation, no new windows, no webviews, no permissions', async (t) => {
  const { main } = await startMain(t);
  const state = await main.waitFor((s) => s.windows[0]?.visible === true, 'the window shown on ready-to-show');
  assert.equal(state.windows.length, 1);
  const [window] = state.windows;
  assert.ok(window);
  assert.deepEqual(window.options.webPreferences, {
    preload: join(REPO, 'dist/electron/preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false,
  });
  assert.ok(existsSync(window.options.webPreferences?.preload ?? ''), 'the preload main names is built beside it');
  assert.equal(window.options.show, false, 'shown on ready-to-show, not blank before');
  assert.deepEqual(window.loaded, [{ file: RENDERER_HTML }], 'the built renderer from disk, never a URL');

  // The renderer's policy (a <meta> in the file main loads): nothing inline, nothing from elsewhere.
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync(RENDERER_HTML, 'utf8'))?.[1] ?? '';
  const directives = new Map(csp.split(';').map((part) => part.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('base-uri'), ["'none'"]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);

  assert.equal(await main.call('navigate', 'https://example.com/'), false, 'navigation away is refused');
  assert.equal(await main.call('navigate', 'file:///etc/passwd'), false, 'navigation to another file too');
  assert.deepEqual(await main.call('openWindow', 'https://example.com/'), { action: 'deny' });
  assert.equal(await main.call('attachWebview'), false, '<webview> refused');
  assert.deepEqual(await main.call('otherContents', 'https://example.com/'), { navigated: false, opened: 'deny', webview: false }, 'every web contents, not only the window');
  assert.equal(await main.call('permission', 'media'), false);
  assert.equal(await main.call('permission', 'notifications'), false);
  assert.equal(await main.call('permissionCheck', 'clipboard-read'), false);
  const after = await main.state();
  assert.equal(after.windows[0]?.url, `file://${RENDERER_HTML}`, 'still on the renderer');
});

test('IPC: one channel; only the window\'s own top frame on the renderer may call, with params checked', async (t) => {
  const { main } = await startMain(t);
  assert.deepEqual((await main.state()).ipcChannels, ['postern:call']);
  const own = await main.invoke('own-page', 'app.snapshot');
  assert.equal(own.ok, true);
  for (const from of ['iframe', 'other-page', 'other-contents'] as const) {
    assert.deepEqual(await main.invoke(from, 'app.snapshot'), { ok: false, error: { code: 'app.forbidden', message: 'Not allowed.' } }, from);
  }
  const unknown = await main.invoke('own-page', 'shell.exec', { command: 'id' });
  assert.equal(unknown.error?.code, 'app.unknown_method');
  const bad = await main.invoke('own-page', 'tunnel.connect', { profileId: 42 });
  assert.equal(bad.error?.code, 'app.bad_request');
});

test('no helper: the tray says so with the error icon; Open Postern brings the window up; closing hides it to the tray', async (t) => {
  const { main } = await startMain(t);
  const state = await main.waitFor((s) => s.tray !== null && s.windows[0]?.visible === true, 'the tray and the window');
  assert.equal(state.tray?.image, join(REPO, 'assets/tray-error.png'));
  assert.equal(state.tray?.toolTip, 'Postern — The Postern helper is not running');
  assert.deepEqual(state.tray?.items.filter((i) => !i.separator).map((i) => [i.label, i.enabled]), [
    ['The Postern helper is not running', false], ['No profiles yet: open Postern and drop a .ovpn file', false], ['Open Postern', true], ['Quit', true],
  ]);
  await main.call('closeWindow');
  let now = await main.state();
  assert.equal(now.windows[0]?.destroyed, false, 'closing the window keeps the app in the tray');
  assert.equal(now.windows[0]?.visible, false);
  assert.equal(await main.call('clickTray', 'Open Postern'), true);
  now = await main.state();
  assert.equal(now.windows[0]?.visible, true);
  assert.equal(now.windows[0]?.focused, true);
});

test('Open with Postern: a profile on the command line goes to the import verdict, read with its folder; import it over IPC', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'postern-open-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const path = join(folder, 'Office VPN.ovpn');
  writeFileSync(path, GOOD_PROFILE);
  const { main } = await startMain(t, ['--some-switch', path]);
  const event = await main.waitForEvent(opened, 'the opened profile');
  assert.equal(event.type, 'open_profile');
  assert.ok(event.type === 'open_profile');
  assert.deepEqual({ fileName: event.file.fileName, path: event.file.path }, { fileName: 'Office VPN.ovpn', path });
  assert.equal(event.file.text, GOOD_PROFILE);
  assert.equal(event.verdict.connectable, true);
  assert.equal(event.verdict.suggestedName, 'Office VPN');
  const state = await main.state();
  assert.equal(state.windows[0]?.focused, true, 'the window comes up with it');

  // The window then imports it as a drop would (same text, same path).
  const imported = await main.invoke('own-page', 'profiles.import', { fileName: event.file.fileName, text: event.file.text, path, name: 'Office' });
  assert.equal(imported.ok, true, JSON.stringify(imported));
  const tray = await main.waitFor((s) => s.tray?.items.some((i) => i.label === 'Connect Office') === true, 'the profile in the tray');
  assert.equal(tray.tray?.items.find((i) => i.label === 'Connect Office')?.enabled, false, 'no helper: nothing to connect with');
});

test('a second start with a profile focuses the first and opens its verdict; open-file likewise; an unreadable file says so', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'postern-second-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'home.conf'), GOOD_PROFILE);
  const { main } = await startMain(t);
  await main.waitFor((s) => s.windows[0]?.visible === true, 'the window');
  await main.call('closeWindow');
  await main.call('secondInstance', ['/usr/bin/postern', '--no-sandbox', 'home.conf'], folder);
  const event = await main.waitForEvent(opened, 'the second start\'s profile');
  assert.ok(event.type === 'open_profile', JSON.stringify(event));
  assert.equal(event.file.path, join(folder, 'home.conf'), 'a relative path is the second start\'s, not the first\'s');
  const state = await main.state();
  assert.equal(state.windows[0]?.visible, true);
  assert.equal(state.windows[0]?.focused, true);

  assert.equal(await main.call('openFile', join(folder, 'missing.ovpn')), true, 'open-file is handled (preventDefault)');
  const failed = await main.waitForEvent((e) => e.type === 'open_profile_failed', 'the failed open');
  assert.ok(failed.type === 'open_profile_failed');
  assert.deepEqual({ fileName: failed.fileName, code: failed.error.code }, { fileName: 'missing.ovpn', code: 'profile.unreadable' });

  // A plain second start (no file) only brings the window up.
  await main.call('closeWindow');
  const before = (await main.sentEvents()).filter(opened).length;
  await main.call('secondInstance', ['/usr/bin/postern'], folder);
  const shown = await main.state();
  assert.equal(shown.windows[0]?.visible, true);
  assert.equal((await main.sentEvents()).filter(opened).length, before);
});

test('the second instance itself quits at once, before making a window or a tray', async (t) => {
  const { main } = await startMain(t, [], true);
  assert.equal(await main.exited, 0);
  assert.equal(main.quit, true, 'app.quit() went through');
});

test('quitting with no VPN up asks nothing and ends the process', async (t) => {
  const { main } = await startMain(t);
  await main.waitFor((s) => s.tray !== null, 'the tray');
  assert.equal(await main.call('clickTray', 'Quit'), true);
  assert.equal(await main.exited, 0);
  assert.equal(main.quit, true);
});

test('Save diagnostics…: the save dialog over the window with the CLI\'s file name; the archive where chosen; Cancel writes nothing', async (t) => {
  const { main, dir } = await startMain(t);
  await main.waitFor((s) => s.windows[0]?.visible === true, 'the window');
  const saving = main.invoke('own-page', 'diagnostics.save');
  const shown = await main.waitFor((s) => s.saveDialogs.length === 1, 'the save dialog');
  assert.match(shown.saveDialogs[0]?.options.defaultPath ?? '', /^\/home\/double\/documents\/postern-diagnostics-\d{4}-\d\d-\d\dT[\d-]+Z\.tar\.gz$/);
  const chosen = join(dir, 'for-the-admin.tar.gz');
  await main.call('answerSaveDialog', chosen);
  const answer = await saving;
  assert.deepEqual(answer.ok && answer.result, { saved: true, path: chosen, files: 10 });
  const listed = spawnSync('tar', ['-tzf', chosen], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /postern-diagnostics\/app\/history\.json/);
  // No helper here: the archive says why instead of its log.
  assert.match(spawnSync('tar', ['-xzOf', chosen, 'postern-diagnostics/helper-log.txt'], { encoding: 'utf8' }).stdout, /the helper did not answer/);

  const cancelling = main.invoke('own-page', 'diagnostics.save');
  await main.waitFor((s) => s.saveDialogs.length === 2, 'the second save dialog');
  await main.call('answerSaveDialog', null);
  assert.deepEqual(await cancelling, { ok: true, result: { saved: false } });
});
