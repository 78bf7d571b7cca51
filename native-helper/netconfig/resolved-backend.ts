import type { Result } from '../../core/index';
import type { CommandRunner } from './command-runner';
import type { DnsBackend } from './dns-backend';
import type { Journal } from './journal';
import type { DnsPlan } from './network-plan-types';
import { netconfigError, type NetconfigError } from './netconfig-error';

/**
 * DNS through systemd-resolved, per link, as OpenVPN's systemd-dns-updown.sh does:
 * `resolvectl dns|domain|default-route|dnssec|dnsovertls <tun> …`, undone by one
 * `resolvectl revert <tun>` (which is also moot once the link is gone).
 */
export class ResolvedBackend implements DnsBackend {
  readonly kind = 'systemd-resolved';

  constructor(private readonly runResolvectl: CommandRunner) {}

  async apply(plan: DnsPlan, tunName: string, journal: Journal): Promise<Result<boolean, NetconfigError>> {
    const settings = plan.resolved;
    if (!settings) return { ok: true, value: false };
    const recorded = await journal.recordUndo({ kind: 'resolvectl', argv: ['revert', tunName] });
    if (!recorded.ok) return recorded;
    const commands: string[][] = [['dns', tunName, ...settings.servers]];
    if (settings.domains.length > 0) commands.push(['domain', tunName, ...settings.domains]);
    commands.push(['default-route', tunName, settings.defaultRoute ? 'true' : 'false']);
    if (settings.dnssec !== undefined) commands.push(['dnssec', tunName, settings.dnssec === 'yes' ? 'true' : settings.dnssec === 'no' ? 'false' : 'allow-downgrade']);
    if (settings.dnsOverTls !== undefined) commands.push(['dnsovertls', tunName, settings.dnsOverTls ? 'true' : 'false']);
    for (const argv of commands) {
      const result = await this.runResolvectl(argv);
      if (!result.ok) {
        return { ok: false, error: netconfigError('netconfig.dns_failed', `resolvectl ${argv[0] ?? ''} failed`, { step: 'systemd-resolved DNS', argv: ['resolvectl', ...argv], stderr: result.stderr }) };
      }
    }
    return { ok: true, value: true };
  }
}
