import { access } from 'node:fs/promises';
import type { Result } from '../../core/index';
import type { CommandRunner } from './command-runner';
import type { Journal } from './journal';
import type { DnsPlan } from './network-plan-types';
import type { NetconfigError } from './netconfig-error';
import { ResolvConfBackend } from './resolv-conf-backend';
import { ResolvedBackend } from './resolved-backend';

/** Applies a DnsPlan for one tunnel, journaling its undo before it changes anything. */
export interface DnsBackend {
  readonly kind: 'systemd-resolved' | 'resolv-conf';
  /** The file this backend rewrites, if any: the one file its undo may restore. */
  readonly path?: string;
  /** ok(false) when the plan has nothing this backend can express (a warning, not a failure). */
  apply(plan: DnsPlan, tunName: string, journal: Journal): Promise<Result<boolean, NetconfigError>>;
}

export const RESOLVED_STUB_PATH = '/run/systemd/resolve/stub-resolv.conf';
export const DEFAULT_RESOLV_CONF_PATH = '/etc/resolv.conf';

export interface DnsBackendChoice {
  runResolvectl: CommandRunner;
  /** The resolv.conf to rewrite when resolved is not in charge (tests: /etc/netns/<ns>/resolv.conf). */
  resolvConfPath?: string;
  /** Where resolved's stub file lives; a test can point it elsewhere. */
  resolvedStubPath?: string;
  /** Skip detection (tests, or a namespace where resolved cannot serve the link). */
  force?: 'systemd-resolved' | 'resolv-conf';
}

/** systemd-resolved when it runs (its stub file exists and `resolvectl status` answers), else resolv.conf. */
export async function chooseDnsBackend(choice: DnsBackendChoice): Promise<DnsBackend> {
  const resolvConf = new ResolvConfBackend(choice.resolvConfPath ?? DEFAULT_RESOLV_CONF_PATH);
  const resolved = new ResolvedBackend(choice.runResolvectl);
  if (choice.force === 'systemd-resolved') return resolved;
  if (choice.force === 'resolv-conf') return resolvConf;
  const stubExists = await access(choice.resolvedStubPath ?? RESOLVED_STUB_PATH).then(() => true, () => false);
  if (!stubExists) return resolvConf;
  const status = await choice.runResolvectl(['status']);
  return status.ok ? resolved : resolvConf;
}
