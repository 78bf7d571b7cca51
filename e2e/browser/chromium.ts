import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's Chromium: Playwright's own browser download is not available here. */
export const CHROMIUM_PATH = process.env['POSTERN_CHROMIUM'] ?? '/usr/bin/chromium';

/** No sandbox (we run as root in CI), no GPU, and nothing that phones home during a test. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why browser tests cannot run here (one line), or undefined. Under CI a missing Chromium fails instead. */
export function chromiumSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
  if (env['CI'] && env['CI'] !== 'false' && env['CI'] !== '0') throw new Error(`CI must run the browser tests, but: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
