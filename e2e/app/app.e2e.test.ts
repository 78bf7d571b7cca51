import assert from 'node:assert/strict';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../browser/chromium';
import { labTest } from '../lab/lab-test';
import { startAppLab } from './app-lab';
import type { AppLab, AppLabOptions } from './app-lab';
import { assertAccessible, dropProfile, screenshot } from './app-page';
import { run } from '../lab/run';
import { labUsers, userFolder } from '../lab/lab-users';

// The desktop app's window in Debian Chromium, against the real thing underneath: the
// main-process controller behind the loopback bridge, `postern helper` with a real TUN
// device in the lab's client namespace, and the lab's openvpn 2.6 server. Only the
// Electron runtime is missing (its binary cannot be downloaded here). The main process runs
// as a normal user (a member of the helper's group), as the desktop app does; the helper as root.

const skip = chromiumSkipReason();
let browser: Browser | undefined;

async function openApp(t: TestContext, options: AppLabOptions = {}): Promise<{ app: AppLab; page: Page }> {
  browser ??= await launchChromium();
  const app = await startAppLab(options);
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  t.after(async () => {
    await context.close();
    await app.stop();
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // The policy has no 'unsafe-inline': anything it blocks shows up here as a console error.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
  });
  t.after(() => assert.deepEqual(pageErrors, [], 'no script errors or blocked content in the page'));
  await page.goto(app.url);
  await page.getByRole('heading', { name: 'Profiles' }).waitFor();
  return { app, page };
}

async function importProfile(page: Page, fileName: string, text: string, name: string): Promise<void> {
  assert.equal(await dropProfile(page, fileName, text), true, 'the drop target shows while dragging');
  await page.getByTestId('import-verdict').waitFor();
  await page.getByTestId('import-name').fill(name);
  await page.getByTestId('import-confirm').click();
  await page.locator(`[data-testid="profile-item"][data-profile-name="${name}"]`).waitFor();
}

after(async () => { await browser?.close(); });

/** The server's reneg-sec in the story test: short, so renewals happen while the test looks. */
const RENEG_SECONDS = 5;

function appTest(name: string, fn: (t: TestContext) => Promise<void>): void {
  labTest(name, { timeout: 90_000, ...(skip ? { skip } : {}) }, fn);
}

appTest('drop a good profile and a broken one; connect; pings move the graph; disconnect', async (t) => {
  const { app, page } = await openApp(t);
  await assertAccessible(page, 'empty');
  await screenshot(page, '01-empty');

  assert.equal(await dropProfile(page, 'broken.ovpn', 'client\ndev tun\nremote\nproto udp\n'), true);
  await page.getByTestId('import-verdict').waitFor();
  const problems = await page.getByTestId('verdict-problem').allTextContents();
  assert.ok(problems.some((p) => p.startsWith('Line 3:')), `line-numbered problems: ${problems.join(' | ')}`);
  assert.equal(await page.getByTestId('import-confirm').count(), 0, 'a broken profile cannot be imported');
  await assertAccessible(page, 'broken verdict');
  await screenshot(page, '02-broken-profile');
  await page.keyboard.press('Escape');
  await page.getByTestId('import-verdict').waitFor({ state: 'detached' });

  await dropProfile(page, 'Lab office.ovpn', app.lab.clientProfile({ remote: 'link' }));
  await page.getByTestId('import-verdict').waitFor();
  assert.equal(await page.getByTestId('import-name').inputValue(), 'Lab office');
  await assertAccessible(page, 'import verdict');
  await screenshot(page, '03-import-verdict');
  await page.getByTestId('import-confirm').click();
  await page.locator('[data-testid="profile-item"][data-profile-name="Lab office"]').waitFor();

  await page.getByTestId('connect-button').click();
  const address = page.getByTestId('assigned-ipv4');
  await address.waitFor({ timeout: 20_000 });
  assert.match(await address.textContent() ?? '', /^10\.\d+\.\d+\.\d+$/);
  assert.match(await page.getByTestId('connection-cipher').textContent() ?? '', /GCM|CHACHA/);
  assert.match(await page.getByTestId('status-live').textContent() ?? '', /Connected/);

  const pinging = app.ping(15);
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="rate-in"]')?.textContent ?? '';
    return /[1-9]/.test(text);
  }, undefined, { timeout: 10_000 });
  const pinged = await pinging;
  assert.equal(pinged.code, 0, `pings through the tunnel:\n${pinged.stdout}`);
  assert.notEqual(await page.getByTestId('total-in').textContent(), '0 B');
  await assertAccessible(page, 'connected');
  await screenshot(page, '04-connected');
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertAccessible(page, 'connected, dark theme');
  await screenshot(page, '04-connected-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByTestId('disconnect-button').click();
  await page.getByTestId('connect-button').waitFor({ timeout: 15_000 });
  assert.match(await page.getByTestId('status-live').textContent() ?? '', /Disconnected/);
});

appTest('the story of a connection: the timeline while up (with the server renewing the keys), the history entry after, settings, and Save diagnostics…', async (t) => {
  // reneg-sec 5: the server renews the keys every 5 s, so Connection details has renewals to tell.
  const { app, page } = await openApp(t, { serverConfig: [`reneg-sec ${RENEG_SECONDS}`] });
  await importProfile(page, 'lab.ovpn', app.lab.clientProfile({ remote: 'link' }), 'Lab');
  assert.match(await page.getByTestId('history').innerText(), /No connections yet/);
  await page.getByTestId('connect-button').click();
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 20_000 });

  // Connection details: a native <details>, opened from the keyboard.
  const story = page.getByTestId('connection-story');
  await story.locator('summary').focus();
  await page.keyboard.press('Enter');
  const phases = page.getByTestId('timeline-phases').locator('li');
  await page.locator('[data-testid="timeline-phases"] li[data-state="connected"]').waitFor();
  const states = await phases.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-state')));
  for (const state of ['resolving', 'connecting', 'tls_handshake', 'pulling_config', 'configuring', 'connected']) assert.ok(states.includes(state), `phase ${state} in ${states.join(', ')}`);
  const texts = await phases.allTextContents();
  assert.ok(texts.some((text) => /^Checking the server: \d+\.\d s$/.test(text)), `the TLS phase with its time: ${texts.join(' | ')}`);
  assert.match(texts.at(-1) ?? '', /^Connected since /);
  // The key renewals the server started, each with how long it took, in the words table's words.
  const renewals = page.getByTestId('timeline-renegotiations');
  await renewals.locator('li[data-cause="server"]').nth(1).waitFor({ timeout: (RENEG_SECONDS * 2 + 10) * 1000 });
  const renewed = await renewals.locator('li').allTextContents();
  assert.ok(renewed.every((text) => /Keys renewed \(the server asked\) — \d+\.\d s$/.test(text)), renewed.join(' | '));
  assert.match(await page.getByTestId('timeline-renegotiation-count').innerText(), /^Keys renewed (twice|\d+ times); the tunnel stayed up\./);
  await assertAccessible(page, 'timeline');
  await screenshot(page, '14-timeline');
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertAccessible(page, 'timeline, dark theme');
  await page.emulateMedia({ colorScheme: 'light' });

  const pinged = await app.ping(3);
  assert.equal(pinged.code, 0, pinged.stdout);
  await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid="total-in"]')?.textContent ?? ''), undefined, { timeout: 10_000 });
  await page.getByTestId('disconnect-button').click();
  await page.getByTestId('connect-button').waitFor({ timeout: 15_000 });

  // The history: the connection that just ended, in plain words; kept in the app's data folder.
  const entry = page.getByTestId('history-list').locator('li').first();
  await entry.waitFor();
  assert.equal(await entry.getAttribute('data-end-code'), 'user');
  const said = await entry.innerText();
  assert.match(said, /Lab/);
  assert.match(said, /Up \d+ s · [\d.]+ [k]?B in · [\d.]+ [k]?B out/);
  assert.doesNotMatch(said, /· 0 B in/, 'the pings were counted');
  assert.match(said, /You disconnected\./);
  assert.match(said, /keys renewed \d+ times/);
  const stored = JSON.parse(readFileSync(join(app.dataDir, 'history.json'), 'utf8')) as Array<{ profileName: string; endCode: unknown; renegotiations?: number }>;
  assert.deepEqual(stored.map((e) => [e.profileName, e.endCode]), [['Lab', null]]);
  assert.ok((stored[0]?.renegotiations ?? 0) >= 2, `the history counts the renewals: ${JSON.stringify(stored[0])}`);

  // Save diagnostics…: browser mode writes into the data folder and says where.
  await page.getByTestId('save-diagnostics').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="diagnostics-status"]')?.textContent?.startsWith('Diagnostics saved to') === true, undefined, { timeout: 20_000 });
  const path = (await page.getByTestId('diagnostics-status').textContent() ?? '').replace('Diagnostics saved to ', '');
  assert.ok(path.startsWith(join(app.dataDir, 'diagnostics')), path);
  const listed = await run('tar', ['-tzf', path]);
  assert.equal(listed.code, 0, listed.stderr);
  for (const name of ['summary.json', 'helper-log.txt', 'profiles.json', 'network/routes-ipv4.txt', 'app/timeline.json', 'app/history.json']) {
    assert.match(listed.stdout, new RegExp(`postern-diagnostics/${name.replace('.', '\\.')}`), `${name} in the archive`);
  }
  const archive = await run('tar', ['-xzOf', path]);
  assert.ok(!archive.stdout.includes('BEGIN'), 'no certificate or key in the archive');
  assert.match(archive.stdout, /"endCode": null/);
  await assertAccessible(page, 'history');
  await screenshot(page, '15-history');
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertAccessible(page, 'history, dark theme');
  await page.emulateMedia({ colorScheme: 'light' });

  // Settings: one switch for notifications, the profile to connect at start; no start at login in browser mode.
  await page.getByTestId('settings-open').click();
  await page.getByTestId('settings-dialog').waitFor();
  assert.equal(await page.getByTestId('setting-launch-at-login').count(), 0, 'start at login is hidden in browser mode');
  assert.equal(await page.getByTestId('setting-notifications').isChecked(), true, 'notifications are on by default');
  await page.getByTestId('setting-connect-at-start').selectOption({ label: 'Lab' });
  await page.waitForFunction(() => (document.querySelector('[data-testid="setting-connect-at-start"]') as HTMLSelectElement | null)?.selectedOptions[0]?.textContent === 'Lab');
  await assertAccessible(page, 'settings');
  await screenshot(page, '16-settings');
  await page.getByTestId('settings-close').click();
  // Main answers once the file is written: the choice is on disk when the store has main's answer.
  await page.getByTestId('settings-dialog').waitFor({ state: 'detached' });
  const saved = (): string | undefined => {
    try {
      return (JSON.parse(readFileSync(join(app.dataDir, 'settings.json'), 'utf8')) as { connectAtStart?: string }).connectAtStart;
    } catch {
      return undefined;
    }
  };
  for (let i = 0; i < 50 && !saved(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(saved(), 'the choice is saved');
});

appTest('static challenge and CR_TEXT dialogs complete against the server\'s management interface', async (t) => {
  const { app, page } = await openApp(t, { managementClientAuth: true });
  const management = app.lab.management;
  assert.ok(management);
  await management.ready;
  await importProfile(page, 'otp.ovpn', app.lab.clientProfile({ remote: 'link', extra: ['auth-user-pass', 'static-challenge "Enter your authenticator code" 1'] }), 'OTP');
  await page.getByTestId('connect-button').click();

  const dialog = page.locator('[data-testid="auth-dialog"][data-kind="static_challenge"]');
  await dialog.waitFor();
  assert.match(await dialog.textContent() ?? '', /Enter your authenticator code/);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'auth-username', 'focus lands in the first field');
  assert.equal(await page.getByTestId('auth-response').getAttribute('type'), 'text', 'the code is echoed, as the profile says');
  await assertAccessible(page, 'static challenge');
  await screenshot(page, '05-static-challenge');
  await page.getByTestId('auth-username').fill('alice');
  await page.getByTestId('auth-password').fill('correct horse');
  await page.getByTestId('auth-response').fill('123456');
  await page.keyboard.press('Enter');
  await page.getByTestId('auth-dialog').waitFor({ state: 'detached' });

  const connect = await management.waitForEvent((e) => e.kind === 'client' && e.type === 'CONNECT', 15_000);
  assert.ok(connect.kind === 'client');
  const [, password, otp] = (connect.env['password'] ?? '').split(':');
  assert.equal(Buffer.from(password ?? '', 'base64').toString(), 'correct horse');
  assert.equal(Buffer.from(otp ?? '', 'base64').toString(), '123456');
  await management.clientPendingAuth(connect.cid, connect.kid ?? 0, 'CR_TEXT:R:Enter the code we texted you', 60);

  const question = page.locator('[data-testid="auth-dialog"][data-kind="cr_text"]');
  await question.waitFor();
  assert.match(await question.textContent() ?? '', /Enter the code we texted you/);
  assert.equal(await page.getByTestId('auth-response').getAttribute('type'), 'password', 'no E flag: the answer is hidden');
  assert.match(await page.getByTestId('auth-remaining').textContent() ?? '', /Time left/);
  await assertAccessible(page, 'CR_TEXT');
  await screenshot(page, '06-cr-text');
  await page.getByTestId('auth-response').fill('5150');
  await page.getByTestId('auth-submit').click();
  const answer = await management.waitForEvent((e) => e.kind === 'client' && e.type === 'CR_RESPONSE', 15_000);
  assert.ok(answer.kind === 'client');
  assert.equal(Buffer.from(answer.args.at(-1) ?? '', 'base64').toString(), '5150');
  await management.clientAuthNt(answer.cid, answer.kid ?? 0);
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('auth-dialog').count(), 0, 'the dialog is gone once connected');
  // Nothing typed survives anywhere in the window: not in the log, not in the page.
  await page.locator('summary', { hasText: 'Log' }).click();
  const everything = await page.content();
  for (const secret of ['correct horse', '123456', '5150']) assert.equal(everything.includes(secret), false, 'a secret is in the page');
});

appTest('web sign-in shows the URL, counts down, and completes from the server side', async (t) => {
  const { app, page } = await openApp(t, { managementClientAuth: true });
  const management = app.lab.management;
  assert.ok(management);
  await management.ready;
  await importProfile(page, 'sso.ovpn', app.lab.clientProfile({ remote: 'link', extra: ['auth-user-pass'] }), 'SSO');
  await page.getByTestId('connect-button').click();
  await page.locator('[data-testid="auth-dialog"][data-kind="credentials"]').waitFor();
  await page.getByTestId('auth-username').fill('erin');
  await page.getByTestId('auth-password').fill('correct horse');
  await page.getByTestId('auth-submit').click();
  const connect = await management.waitForEvent((e) => e.kind === 'client' && e.type === 'CONNECT', 15_000);
  assert.ok(connect.kind === 'client');
  const url = 'https://sso.example.test/login?state=e2e';
  await management.clientPendingAuth(connect.cid, connect.kid ?? 0, `WEB_AUTH::${url}`, 120);

  await page.locator('[data-testid="auth-dialog"][data-kind="web_auth"]').waitFor();
  assert.equal(await page.getByTestId('auth-url').inputValue(), url);
  assert.match(await page.getByTestId('auth-remaining').textContent() ?? '', /Time left: \d+ min/);
  await page.getByTestId('auth-open-url').click(); // browser mode: the bridge's opener (disabled in tests)
  await assertAccessible(page, 'web sign-in');
  await screenshot(page, '07-web-auth');
  await management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 15_000 });
  assert.equal(await page.getByTestId('auth-dialog').count(), 0);

  // Escape cancels a question, and with it the connection attempt.
  await page.getByTestId('disconnect-button').click();
  await page.getByTestId('connect-button').waitFor({ timeout: 15_000 });
  await page.getByTestId('connect-button').click();
  await page.locator('[data-testid="auth-dialog"][data-kind="credentials"]').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('auth-dialog').waitFor({ state: 'detached' });
  await page.getByTestId('error-banner').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('error-banner').getAttribute('data-code'), 'auth.cancelled');
  await page.getByTestId('connect-button').waitFor();
});

appTest('killing the helper mid-session leaves a truthful window; a restarted helper is picked up again', async (t) => {
  const { app, page } = await openApp(t);
  // This time through the file picker instead of a drop.
  await page.getByTestId('file-input').setInputFiles({ name: 'lab.ovpn', mimeType: 'application/x-openvpn-profile', buffer: Buffer.from(app.lab.clientProfile({ remote: 'link' })) });
  await page.getByTestId('import-name').fill('Lab');
  await page.getByTestId('import-confirm').click();
  await page.locator('[data-testid="profile-item"][data-profile-name="Lab"]').waitFor();
  await page.getByTestId('connect-button').click();
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 20_000 });

  await app.killHelper();
  await page.getByTestId('helper-banner').waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('assigned-ipv4').count(), 0, 'no longer claims to be connected');
  assert.equal(await page.getByTestId('connect-button').isDisabled(), true, 'cannot connect without a helper');
  await assertAccessible(page, 'helper gone');
  await screenshot(page, '08-helper-gone');

  await app.startHelper();
  await page.getByTestId('helper-banner').waitFor({ state: 'detached', timeout: 10_000 });
  await page.waitForFunction(() => !(document.querySelector('[data-testid="connect-button"]') as HTMLButtonElement | null)?.disabled, undefined, { timeout: 10_000 });
  await page.getByTestId('connect-button').click();
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 20_000 });
  const firstRenderMs = await page.evaluate(() => document.documentElement.dataset['firstRenderMs']);
  t.diagnostic(`renderer first render: ${firstRenderMs} ms`);
});

appTest('someone outside the helper\'s group sees why Postern will not work for them and how to be let in', async (t) => {
  const { page } = await openApp(t, { as: 'outsider' });
  const banner = page.getByTestId('helper-banner');
  await banner.waitFor({ timeout: 10_000 });
  assert.equal(await banner.getAttribute('data-code'), 'ipc.not_in_group');
  const text = await banner.innerText();
  assert.match(text, /You may not use Postern on this machine yet/);
  assert.match(text, /Only members of the group 'postern-lab' may use the Postern helper/);
  assert.match(text, /sudo usermod -aG postern-lab postern-lab-outsider/);
  assert.equal(await page.getByTestId('connect-button').count() === 0 || await page.getByTestId('connect-button').isDisabled(), true);
  await assertAccessible(page, 'not in the group');
  await screenshot(page, '09-not-in-group');
});

const MACHINE_KILL_SWITCH = '/var/lib/postern/killswitch.json';

/** The machine's own kill switch file, as it is (or that there is none): the lab must never touch it. */
function machineKillSwitch(): string {
  return existsSync(MACHINE_KILL_SWITCH) ? readFileSync(MACHINE_KILL_SWITCH, 'utf8') : '(none)';
}

/** `nft list tables` of this machine's own (root) namespace: the lab's kill switch must never show up there. */
async function assertNoTableInRootNamespace(): Promise<void> {
  const tables = await run('nft', ['list', 'tables']);
  assert.equal(tables.code, 0, tables.stderr);
  assert.doesNotMatch(tables.stdout, /^table inet postern$/m, 'the kill switch table is in the root namespace');
}

async function chooseKillSwitchMode(page: Page, mode: 'off' | 'auto' | 'always'): Promise<void> {
  await page.getByTestId(`kill-switch-mode-${mode}`).check();
  await page.locator('[data-testid="kill-switch-chip"]').and(page.locator(`[data-mode="${mode}"]`)).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="kill-switch-now"]')?.textContent?.startsWith('Right now') === true);
}

appTest('kill switch always: settings, blocking with no VPN, connect through it with a passing leak check, then off', async (t) => {
  const machineBefore = machineKillSwitch();
  const { app, page } = await openApp(t);
  await importProfile(page, 'lab.ovpn', app.lab.clientProfile({ remote: 'link' }), 'Lab');
  assert.equal(await page.getByTestId('kill-switch-chip').getAttribute('data-mode'), 'off');
  assert.equal(await page.getByTestId('blocking-banner').count(), 0);

  // (a) Always: the settings explain each mode; choosing it blocks at once, with no VPN up.
  await page.getByTestId('settings-open').click();
  const dialog = page.getByTestId('settings-dialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /From the moment you press Connect until you disconnect on purpose/);
  await chooseKillSwitchMode(page, 'always');
  assert.equal(await page.getByTestId('kill-switch-now').getAttribute('data-blocking'), 'true');
  assert.equal(await page.getByTestId('kill-switch-mode-always').isChecked(), true);
  await assertAccessible(page, 'kill switch settings');
  await screenshot(page, '10-killswitch-settings');
  await page.getByTestId('settings-close').click();
  await dialog.waitFor({ state: 'detached' });

  const banner = page.getByTestId('blocking-banner');
  await banner.waitFor();
  assert.match(await banner.innerText(), /Blocking traffic — no VPN connected/);
  assert.equal(await banner.getAttribute('data-mode'), 'always');
  await assertAccessible(page, 'blocking');
  await screenshot(page, '11-blocking');

  // It really blocks, in the lab's client namespace and only there; the setting is in the lab's file.
  const table = await app.killSwitchTable();
  assert.ok(table, 'table inet postern is loaded in the client namespace');
  assert.match(table, /chain output \{[^}]*policy drop;/);
  const blocked = await app.pingAroundTunnel();
  assert.notEqual(blocked.code, 0, `a ping around the tunnel got through while blocking:\n${blocked.stdout}`);
  await assertNoTableInRootNamespace();
  assert.equal(JSON.parse(readFileSync(app.killSwitchSettingsPath, 'utf8')).mode, 'always');
  assert.equal(machineKillSwitch(), machineBefore);

  // The way out: connect. The leak check runs once it is up, and passes.
  await page.getByTestId('blocking-connect').click();
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 20_000 });
  await banner.waitFor({ state: 'detached' });
  const badge = page.getByTestId('leak-badge');
  await page.locator('[data-testid="leak-badge"][data-state="ok"]').waitFor({ timeout: 15_000 });
  assert.match(await badge.innerText(), /No leaks found/);
  const pinged = await app.ping(3);
  assert.equal(pinged.code, 0, `pings through the tunnel while the kill switch is on:\n${pinged.stdout}`);
  assert.notEqual((await app.pingAroundTunnel()).code, 0, 'around the tunnel stays blocked while connected');
  await badge.click();
  assert.equal(await badge.getAttribute('aria-expanded'), 'true');
  const details = page.getByTestId('leak-details');
  await details.waitFor();
  const items = page.getByTestId('leak-check-item');
  assert.deepEqual(await items.evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-check-id')}:${n.getAttribute('data-ok')}`)), [
    'default_route_v4:true', 'default_route_v6:true', 'dns_servers:true', 'dns_routes:true', 'ipv6:true', 'killswitch_rules:true',
  ]);
  assert.match(await details.innerText(), /Kill switch rules\s+blocking everything but tun\S* and the servers/);
  assert.match(await page.getByTestId('status-live').textContent() ?? '', /No leaks found/);
  await assertAccessible(page, 'leak badge');
  await screenshot(page, '12-leak-badge');

  // Always keeps blocking once the VPN is down again.
  await page.getByTestId('disconnect-button').click();
  await page.getByTestId('connect-button').waitFor({ timeout: 15_000 });
  await banner.waitFor();
  assert.equal(await page.getByTestId('leak-badge').count(), 0);

  // (b) Off: the blocking state is gone, in the window and in the kernel.
  await page.getByTestId('blocking-settings').click();
  await dialog.waitFor();
  await chooseKillSwitchMode(page, 'off');
  assert.equal(await page.getByTestId('kill-switch-now').getAttribute('data-blocking'), 'false');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await banner.waitFor({ state: 'detached' });
  assert.equal(await app.killSwitchTable(), undefined, 'off removes the table');
  const free = await app.pingAroundTunnel();
  assert.equal(free.code, 0, `the link answers again:\n${free.stdout}`);
  await assertNoTableInRootNamespace();
  assert.equal(JSON.parse(readFileSync(app.killSwitchSettingsPath, 'utf8')).mode, 'off');
  assert.equal(machineKillSwitch(), machineBefore, 'the machine\'s kill switch file is untouched');
});

appTest('kill switch auto: a helper killed mid-session leaves the block, the window says so, and Stop blocking lifts it', async (t) => {
  const { app, page } = await openApp(t);
  await importProfile(page, 'lab.ovpn', app.lab.clientProfile({ remote: 'link' }), 'Lab');
  await page.getByTestId('settings-open').click();
  await chooseKillSwitchMode(page, 'auto');
  assert.equal(await page.getByTestId('kill-switch-now').getAttribute('data-blocking'), 'false', 'auto blocks only from Connect on');
  await page.getByTestId('settings-close').click();
  assert.equal(await app.killSwitchTable(), undefined);

  await page.getByTestId('connect-button').click();
  await page.locator('[data-testid="leak-badge"][data-state="ok"]').waitFor({ timeout: 20_000 });
  assert.notEqual((await app.pingAroundTunnel()).code, 0, 'connected in auto: nothing around the tunnel');

  await app.killHelper();
  const gone = page.getByTestId('helper-gone-blocking');
  await gone.waitFor({ timeout: 10_000 });
  assert.match(await gone.innerText(), /keeps blocking while the helper is away/);
  assert.notEqual((await app.pingAroundTunnel()).code, 0, 'the rules outlive the helper');
  await assertAccessible(page, 'helper gone while blocking');

  // A new helper keeps the block it finds until the user says otherwise.
  await app.startHelper();
  const banner = page.locator('[data-testid="blocking-banner"][data-mode="auto"]');
  await banner.waitFor({ timeout: 10_000 });
  assert.equal(await page.getByTestId('helper-banner').count(), 0);
  await page.getByTestId('blocking-lift').click();
  await banner.waitFor({ state: 'detached', timeout: 10_000 });
  assert.equal(await app.killSwitchTable(), undefined, 'lifted: no table');
  assert.equal((await app.pingAroundTunnel()).code, 0, 'the link answers again');
  assert.equal(await page.getByTestId('kill-switch-chip').getAttribute('data-mode'), 'auto', 'the setting stays');
  await assertNoTableInRootNamespace();
});

appTest('files outside the profile\'s folder: the verdict lists them, the CA is read once allowed, the password file never reaches the server', async (t) => {
  const { app, page } = await openApp(t, { managementClientAuth: true });
  const management = app.lab.management;
  assert.ok(management);
  await management.ready;
  // Both files are the app user's own and readable by them: only the rule keeps the secret out.
  const outside = userFolder(labUsers().member, 'postern-outside-');
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const MARKER = `MARKER-${process.pid}-outside`;
  const caPath = join(outside, 'ca.crt');
  const secretPath = join(outside, 'secret.txt');
  const inlineProfile = app.lab.clientProfile({ remote: 'link', extra: [`auth-user-pass ${secretPath}`] });
  writeFileSync(caPath, /<ca>\n([\s\S]*?)<\/ca>/.exec(inlineProfile)?.[1] ?? '');
  writeFileSync(secretPath, `${MARKER}-user\n${MARKER}-password\n`);
  for (const path of [caPath, secretPath]) chownSync(path, labUsers().member.uid, labUsers().member.gid);
  const text = inlineProfile.replace(/<ca>\n[\s\S]*?<\/ca>/, `ca ${caPath}`);

  assert.equal(await dropProfile(page, 'outside.ovpn', text), true);
  await page.getByTestId('import-verdict').waitFor();
  const files = page.getByTestId('verdict-outside-file');
  assert.equal(await files.count(), 2);
  assert.match(await page.locator('[data-testid="verdict-outside-file"][data-kind="certificate"]').textContent() ?? '', /read only if you allow it/);
  assert.match(await page.locator('[data-testid="verdict-outside-file"][data-kind="secret"]').textContent() ?? '', /never reads one from outside the profile's folder\. You are asked for it when you connect/);
  assert.equal(await page.getByTestId('import-confirm').isDisabled(), true, 'Import waits for the box');
  await assertAccessible(page, 'outside files');
  await screenshot(page, '13-outside-files');
  await page.getByTestId('import-allow-outside').check();
  await page.getByTestId('import-name').fill('Outside');
  await page.getByTestId('import-confirm').click();
  await page.locator('[data-testid="profile-item"][data-profile-name="Outside"]').waitFor();

  await page.getByTestId('connect-button').click();
  await page.locator('[data-testid="auth-dialog"][data-kind="credentials"]').waitFor();
  await page.getByTestId('auth-username').fill('typed-user');
  await page.getByTestId('auth-password').fill('typed password');
  await page.getByTestId('auth-submit').click();
  const connect = await management.waitForEvent((e) => e.kind === 'client' && e.type === 'CONNECT', 15_000);
  assert.ok(connect.kind === 'client');
  assert.equal(connect.env['username'], 'typed-user', 'the server sees what was typed');
  assert.equal(connect.env['password'], 'typed password');
  await management.clientAuthNt(connect.cid, connect.kid ?? 0);
  await page.getByTestId('assigned-ipv4').waitFor({ timeout: 15_000 });

  // The marker is nowhere: not at the server, not in the helper's log, not in what the app stored.
  assert.ok(!JSON.stringify(connect.env).includes(MARKER));
  assert.ok(!app.lab.serverLog().includes(MARKER), 'server log');
  assert.ok(!app.helper.stderr.join('').includes(MARKER) && !JSON.stringify(app.helper.lines).includes(MARKER), 'helper log');
  const stored = run('grep', ['-rl', MARKER, app.dataDir]);
  assert.equal((await stored).stdout, '', 'app data');
  assert.ok(!(await page.content()).includes(MARKER), 'the window');
});
