import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { writeFileAtomically } from '../netconfig/replace-file';
import { firewallError, type FirewallResult } from './firewall-error';
import { killSwitchModeSchema, type KillSwitchMode } from './firewall-types';

export interface KillSwitchSettings {
  mode: KillSwitchMode;
  allowLan: boolean;
  dnsLeakProtection: boolean;
}

/**
 * /var/lib, not /etc: the helper rewrites this file at run time on behalf of users, which
 * is state (FHS 5.8), while /etc holds what the administrator edits and the package ships
 * as conffiles (dpkg would ask about a "modified" conffile on every upgrade). It lives on
 * the root file system, so an early-boot unit can read it before the network comes up.
 */
export const DEFAULT_SETTINGS_PATH = '/var/lib/postern/killswitch.json';

/** Off until the user turns it on; DNS leak protection on (it only acts while a tunnel carries the default route). */
export const DEFAULT_SETTINGS: KillSwitchSettings = { mode: 'off', allowLan: false, dnsLeakProtection: true };

export const killSwitchSettingsSchema = z.strictObject({
  mode: killSwitchModeSchema,
  allowLan: z.boolean(),
  dnsLeakProtection: z.boolean(),
});

/** Far above any valid file: a larger one is refused before parsing. */
const MAX_FILE_BYTES = 4096;
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

export interface SettingsStoreOptions {
  path?: string;
  /** The owner a trusted file must have; 0 (root) in production. */
  ownerUid?: number;
}

export interface LoadedSettings {
  settings: KillSwitchSettings;
  /** 'default' when the file does not exist yet. */
  source: 'file' | 'default';
}

/**
 * The machine-wide kill-switch setting on disk: root-owned, 0644, written atomically
 * (temp file, fsync, rename). A file someone else could have written is not trusted:
 * otherwise any user who can write it turns the kill switch off.
 */
export class KillSwitchSettingsStore {
  readonly path: string;
  private readonly ownerUid: number;

  constructor(options: SettingsStoreOptions = {}) {
    this.path = options.path ?? DEFAULT_SETTINGS_PATH;
    this.ownerUid = options.ownerUid ?? 0;
  }

  async read(): Promise<FirewallResult<LoadedSettings>> {
    let info;
    try {
      info = await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: { settings: { ...DEFAULT_SETTINGS }, source: 'default' } };
      return ioError('cannot read', this.path, error);
    }
    if (info.uid !== this.ownerUid || (info.mode & 0o022) !== 0 || !info.isFile()) {
      return { ok: false, error: firewallError('firewall.settings_untrusted', `${this.path} must be a file owned by uid ${this.ownerUid}, writable by nobody else`) };
    }
    if (info.size > MAX_FILE_BYTES) return { ok: false, error: firewallError('firewall.settings_invalid', `${this.path} is larger than ${MAX_FILE_BYTES} bytes`) };
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      return ioError('cannot read', this.path, error);
    }
    const parsed = killSwitchSettingsSchema.safeParse(parseJson(text));
    if (!parsed.success) return { ok: false, error: firewallError('firewall.settings_invalid', `${this.path} is not valid kill-switch settings`) };
    return { ok: true, value: { settings: parsed.data, source: 'file' } };
  }

  async write(settings: KillSwitchSettings): Promise<FirewallResult<void>> {
    const parsed = killSwitchSettingsSchema.safeParse(settings);
    if (!parsed.success) return { ok: false, error: firewallError('firewall.settings_invalid', 'refusing to write invalid kill-switch settings') };
    try {
      const created = await mkdir(dirname(this.path), { recursive: true, mode: DIR_MODE });
      if (created !== undefined) await chmod(dirname(this.path), DIR_MODE); // no umask on the folder we made
      await writeFileAtomically(this.path, Buffer.from(`${JSON.stringify(parsed.data, null, 2)}\n`), FILE_MODE);
    } catch (error) {
      return ioError('cannot write', this.path, error);
    }
    return { ok: true, value: undefined };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function ioError(what: string, path: string, error: unknown): { ok: false; error: ReturnType<typeof firewallError> } {
  const detail = error instanceof Error ? error.message : String(error);
  return { ok: false, error: firewallError('firewall.settings_io', `${what} ${path}: ${detail}`) };
}
