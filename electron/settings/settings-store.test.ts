import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, SettingsStore } from './settings-store';

test('defaults (no launch at login, notifications on); changes persist; a damaged file falls back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-settings-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(new SettingsStore(dir).get(), { launchAtLogin: false, notifications: true });
  assert.deepEqual(new SettingsStore(dir).update({ launchAtLogin: true }), { launchAtLogin: true, notifications: true });
  assert.deepEqual(new SettingsStore(dir).get(), { launchAtLogin: true, notifications: true });
  assert.equal(statSync(join(dir, 'settings.json')).mode & 0o777, 0o600);
  writeFileSync(join(dir, 'settings.json'), '{"launchAtLogin":"yes"}');
  assert.deepEqual(new SettingsStore(dir).get(), DEFAULT_SETTINGS);
});
