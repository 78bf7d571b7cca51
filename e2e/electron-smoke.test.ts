import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';

// The real Electron app, when its binary is installed: the window opens with the
// renderer, the tray exists. Where the binary could not be downloaded (as here), this
// skips with one line; everything behind the two adapters is tested without Electron.

const REPO = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(REPO, 'dist/electron/main.cjs');

function electronBinary(): string | undefined {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function build(part: string, output: string): void {
  if (existsSync(join(REPO, output))) return;
  const built = spawnSync(process.execPath, ['scripts/build.mjs', part], { cwd: REPO, stdio: 'inherit' });
  assert.equal(built.status, 0, `npm run build -- ${part}`);
}

test('Electron: the window opens and shows the renderer; the tray is created', { timeout: 60_000 }, async (t) => {
  const binary = electronBinary();
  if (!binary) return t.skip('the Electron binary is not installed (node_modules/electron has no dist/)');
  build('renderer', 'dist/renderer/index.html');
  build('electron', 'dist/electron/main.cjs');
  const dataDir = mkdtempSync(join(tmpdir(), 'postern-electron-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const app = await _electron.launch({
    executablePath: binary,
    // Chromium refuses to run as root with its sandbox on.
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), MAIN],
    env: { ...process.env, POSTERN_DATA_DIR: dataDir, POSTERN_SOCKET: join(dataDir, 'no-helper.sock'), POSTERN_E2E: '1' },
    timeout: 30_000,
  });
  t.after(() => app.close());
  const page = await app.firstWindow();
  await page.getByRole('heading', { name: 'Profiles' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => typeof (window as unknown as { postern?: unknown }).postern), 'object');
  const trayAlive = await app.evaluate(() => {
    const tray = (globalThis as { posternTray?: { isDestroyed(): boolean } }).posternTray;
    return tray !== undefined && !tray.isDestroyed();
  });
  assert.equal(trayAlive, true);
});
