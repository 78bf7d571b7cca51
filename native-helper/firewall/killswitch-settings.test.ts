import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DEFAULT_SETTINGS, KillSwitchSettingsStore } from './killswitch-settings';

const uid = process.getuid?.() ?? 0;

async function scratch(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'postern-killswitch-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a missing file reads as the defaults: off, LAN blocked, DNS leak protection on', async (t) => {
  const store = new KillSwitchSettingsStore({ path: join(await scratch(t), 'none', 'killswitch.json'), ownerUid: uid });
  assert.deepEqual(await store.read(), { ok: true, value: { settings: DEFAULT_SETTINGS, source: 'default' } });
  assert.deepEqual(DEFAULT_SETTINGS, { mode: 'off', allowLan: false, dnsLeakProtection: true });
});

test('written atomically as 0644 JSON in a 0755 folder it creates, and read back', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'postern', 'killswitch.json');
  const store = new KillSwitchSettingsStore({ path, ownerUid: uid });
  const settings = { mode: 'always' as const, allowLan: true, dnsLeakProtection: false };
  assert.deepEqual(await store.write(settings), { ok: true, value: undefined });
  assert.equal((await stat(path)).mode & 0o777, 0o644);
  assert.equal((await stat(join(dir, 'postern'))).mode & 0o777, 0o755);
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), settings);
  assert.deepEqual(await store.read(), { ok: true, value: { settings, source: 'file' } });
  assert.deepEqual(await store.write({ ...settings, mode: 'auto' }), { ok: true, value: undefined });
  const again = await store.read();
  assert.ok(again.ok && again.value.settings.mode === 'auto');
});

test('a file others could have written, or owned by someone else, is not trusted', async (t) => {
  const path = join(await scratch(t), 'killswitch.json');
  await writeFile(path, JSON.stringify({ mode: 'off', allowLan: false, dnsLeakProtection: true }));
  await chmod(path, 0o666);
  const loose = await new KillSwitchSettingsStore({ path, ownerUid: uid }).read();
  assert.ok(!loose.ok && loose.error.code === 'firewall.settings_untrusted');
  await chmod(path, 0o644);
  const foreign = await new KillSwitchSettingsStore({ path, ownerUid: uid + 4242 }).read();
  assert.ok(!foreign.ok && foreign.error.code === 'firewall.settings_untrusted');
});

test('invalid contents are refused, never half-used', async (t) => {
  const path = join(await scratch(t), 'killswitch.json');
  const store = new KillSwitchSettingsStore({ path, ownerUid: uid });
  for (const text of [
    '{"mode":"off"',
    '{"mode":"sometimes","allowLan":false,"dnsLeakProtection":true}',
    '{"mode":"off","allowLan":false,"dnsLeakProtection":true,"extra":1}',
    '{"mode":"off","allowLan":"no","dnsLeakProtection":true}',
    `{"mode":"off","allowLan":false,"dnsLeakProtection":true}${' '.repeat(5000)}`,
  ]) {
    await writeFile(path, text, { mode: 0o644 });
    const result = await store.read();
    assert.ok(!result.ok && result.error.code === 'firewall.settings_invalid', text.slice(0, 60));
  }
  const refused = await store.write({ mode: 'never' as 'off', allowLan: false, dnsLeakProtection: true });
  assert.ok(!refused.ok && refused.error.code === 'firewall.settings_invalid');
});
