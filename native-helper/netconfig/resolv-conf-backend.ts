import { open, readFile } from 'node:fs/promises';
import type { Result } from '../../core/index';
import type { DnsBackend } from './dns-backend';
import type { Journal } from './journal';
import type { DnsPlan, ResolvConfDnsPlan } from './network-plan-types';
import { describeError, netconfigError, type NetconfigError } from './netconfig-error';

/**
 * DNS by rewriting resolv.conf. The original bytes go to a 0600 sidecar of the journal
 * first, then the undo record, then the new file; undo writes the original bytes back
 * exactly. The file is rewritten in place, so a bind mount (ip netns) or symlink still points at it.
 */
export class ResolvConfBackend implements DnsBackend {
  readonly kind = 'resolv-conf';

  constructor(readonly path: string) {}

  async apply(plan: DnsPlan, tunName: string, journal: Journal): Promise<Result<boolean, NetconfigError>> {
    const settings = plan.resolvConf;
    if (!settings || settings.nameservers.length === 0) return { ok: true, value: false };
    try {
      const original = await readFile(this.path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      });
      let backupPath: string | null = null;
      if (original !== null) {
        backupPath = journal.sidecarPath('resolv-conf');
        await writeDurably(backupPath, original, 'wx', 0o600);
      }
      const recorded = await journal.recordUndo({ kind: 'restore-file', path: this.path, backupPath });
      if (!recorded.ok) return recorded;
      await writeDurably(this.path, Buffer.from(renderResolvConf(settings, tunName)), 'w', 0o644);
      return { ok: true, value: true };
    } catch (error) {
      return { ok: false, error: netconfigError('netconfig.dns_failed', `cannot rewrite ${this.path}: ${describeError(error)}`, { step: 'resolv.conf DNS' }) };
    }
  }
}

export function renderResolvConf(settings: ResolvConfDnsPlan, tunName: string): string {
  const lines = [`# Written by Postern for ${tunName}; the previous file comes back when the tunnel closes.`];
  for (const server of settings.nameservers) lines.push(`nameserver ${server}`);
  if (settings.search.length > 0) lines.push(`search ${settings.search.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

async function writeDurably(path: string, bytes: Buffer, flags: 'w' | 'wx', mode: number): Promise<void> {
  const handle = await open(path, flags, mode);
  try {
    await handle.write(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
