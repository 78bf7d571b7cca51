import { existsSync } from 'node:fs';
import { TUN_ADDON_PATH } from './tun-addon';

/**
 * For tests of the addon and the Linux TUN device: why they cannot run here, as one
 * line, or undefined when they can. Under CI a missing prerequisite throws instead (a
 * green CI must mean the real device was exercised); only a non-Linux platform stays a
 * skip there, because the addon is Linux-only.
 */
export function addonSkipReason(needs: { root: boolean }, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return 'the TUN addon is Linux-only for now';
  let reason: string | undefined;
  if (needs.root && env['POSTERN_SKIP_LAB']) reason = 'POSTERN_SKIP_LAB is set';
  else if (needs.root && process.getuid?.() !== 0) reason = 'needs root (network namespaces, /dev/net/tun)';
  else if (!existsSync(TUN_ADDON_PATH)) reason = 'the addon is not built: run `node scripts/build-addon.mjs` (npm install does)';
  if (reason && env['CI'] && !env['POSTERN_SKIP_LAB']) throw new Error(`CI must run the TUN tests, but: ${reason}`);
  return reason;
}
