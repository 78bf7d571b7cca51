import { open, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Result } from '../../core/index';
import type { DnsBackend } from './dns-backend';
import type { Journal } from './journal';
import type { DnsPlan, ResolvConfDnsPlan } from './network-plan-types';
import { describeError, netconfigError, type NetconfigError } from './netconfig-error';
import { replaceFileContents, syncDirectory } from './replace-file';
import { RESOLV_CONF_MODE } from './restore-file';

/**
 * DNS by rewriting resolv.conf. The original bytes go to a 0600 sidecar of the journal
 * first, then the undo record, then the new file; undo writes the original bytes back
 * exactly. Both writes go through replace-file.ts: atomic by rename where the file can be
 * renamed over, pad-then-truncate in place where it is a mount point (ip netns exec), and
 * through a symlink to the file it names, so the file is never empty or half-written.
 */
export class ResolvConfBackend implements DnsBackend {
  readonly kind = 'resolv-conf';
  readonly path: string;

  constructor(path: string) {
    // The undo record and replay's check compare plain absolute paths.
    this.path = resolve(path);
  }

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
        await writeNewFileDurably(backupPath, original);
      }
      const recorded = await journal.recordUndo({ kind: 'restore-file', path: this.path, backupPath });
      if (!recorded.ok) return recorded;
      await replaceFileContents(this.path, Buffer.from(renderResolvConf(settings, tunName)), RESOLV_CONF_MODE);
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

/** The backup: bytes and directory entry on disk before the undo record that names it. */
async function writeNewFileDurably(path: string, bytes: Buffer): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dirname(path));
}
