import type { Result } from '../../core/index';
import type { NetworkRequest as PortRequest } from '../tunnel/network-port';
import type { NetconfigRunners } from './command-runner';
import { systemRunners } from './command-runner';
import { applyNetworkPlan } from './apply-network-plan';
import { chooseDnsBackend, DEFAULT_RESOLV_CONF_PATH } from './dns-backend';
import { discoverDefaultGateway, discoverGateway } from './gateway-discovery';
import { gatewaysNeeded } from './gateways-needed';
import { DEFAULT_JOURNAL_DIR, Journal } from './journal';
import type { NetworkPlan, OriginalGateway } from './network-plan-types';
import type { NetconfigError } from './netconfig-error';
import { planNetwork } from './plan-network';
import { undoNetwork, type UndoReport } from './undo-network';

export interface LinuxNetworkOptions {
  /** Default /run/postern/journal. */
  journalDir?: string;
  /** Default: the real `ip` and `resolvectl`. */
  runners?: NetconfigRunners;
  /** Default /etc/resolv.conf (used only when systemd-resolved is not in charge). */
  resolvConfPath?: string;
  /** Default 'auto' (detect systemd-resolved); 'none' leaves DNS alone. */
  dns?: 'auto' | 'systemd-resolved' | 'resolv-conf' | 'none';
}

export interface NetworkRequest extends PortRequest {
  /** The device's MTU before; undo restores it. Only for persistent devices (tests). */
  originalMtuBytes?: number;
}

/** In plain words, for the tunnel's event (no secrets). */
export interface NetworkSummary {
  routes: string[];
  dnsServers: string[];
  searchDomains: string[];
  redirectGateway: boolean;
  /** Whether the default route goes through the tunnel, per family (the kill switch's DNS and IPv6 guards). */
  carriesDefault: { ipv4: boolean; ipv6: boolean };
  /** Pushed settings that were skipped, with reasons. */
  warnings: string[];
}

/**
 * One tunnel's OS network configuration on Linux: discover the original gateway, plan,
 * journal, apply; `undo()` takes it all back. Shaped like tunnel/network-port.ts's NetworkPort.
 */
export class LinuxNetwork {
  private journal: Journal | undefined;
  private readonly runners: NetconfigRunners;

  constructor(private readonly options: LinuxNetworkOptions = {}) {
    this.runners = options.runners ?? systemRunners();
  }

  async apply(request: NetworkRequest): Promise<Result<NetworkSummary, NetconfigError>> {
    if (this.journal) await this.undoWithReport();
    const gateways = await this.discover(request);
    if (!gateways.ok) return gateways;
    const plan = planNetwork({ ...request, ...gateways.value });
    const journal = await Journal.create(this.options.journalDir ?? DEFAULT_JOURNAL_DIR, request.tunName);
    if (!journal.ok) return journal;
    this.journal = journal.value;
    const dnsMode = this.options.dns ?? 'auto';
    const dns = dnsMode === 'none' ? undefined : await chooseDnsBackend({
      runResolvectl: this.runners.runResolvectl,
      ...(this.options.resolvConfPath !== undefined ? { resolvConfPath: this.options.resolvConfPath } : {}),
      ...(dnsMode !== 'auto' ? { force: dnsMode } : {}),
    });
    const applied = await applyNetworkPlan(plan, { ...this.runners, journal: journal.value, ...(dns ? { dns } : {}) });
    if (!applied.ok) {
      // The rollback removed the journal, or cut it down to steps it could not undo: those
      // are retried by the next helper start (this process still owns it until then).
      this.journal = undefined;
      return applied;
    }
    return { ok: true, value: summarize(plan, applied.value.skipped, applied.value.dnsBackend) };
  }

  /** Takes back everything apply did; safe to call more than once (NetworkPort.undo). */
  async undo(): Promise<void> {
    await this.undoWithReport();
  }

  /**
   * undo(), telling what happened; undefined when there was nothing to undo. Steps that
   * fail stay in the journal on disk (report.kept): the next helper start retries them,
   * once this process, the journal's owner, is gone.
   */
  async undoWithReport(): Promise<UndoReport | undefined> {
    const journal = this.journal;
    this.journal = undefined;
    const resolvConfPath = this.options.resolvConfPath ?? DEFAULT_RESOLV_CONF_PATH;
    return journal ? undoNetwork(journal, this.runners, { resolvConfPath }) : undefined;
  }

  private async discover(request: NetworkRequest): Promise<Result<{ originalGateway4?: OriginalGateway; originalGateway6?: OriginalGateway }, NetconfigError>> {
    const { runIp } = this.runners;
    const needed = gatewaysNeeded(request.config, request.serverFamily);
    const [serverSide, otherSide] = request.serverFamily === 4 ? [needed.ipv4, needed.ipv6] : [needed.ipv6, needed.ipv4];
    // Independent questions to the kernel: asked at the same time, and only when the plan can use the answer.
    const [toServer, other] = await Promise.all([
      serverSide ? discoverGateway(runIp, request.serverAddress, request.serverFamily) : { ok: true as const, value: undefined },
      otherSide ? discoverDefaultGateway(runIp, request.serverFamily === 4 ? 6 : 4) : undefined,
    ]);
    if (!toServer.ok) return toServer;
    const [v4, v6] = request.serverFamily === 4 ? [toServer.value, other] : [other, toServer.value];
    return { ok: true, value: { ...(v4 ? { originalGateway4: v4 } : {}), ...(v6 ? { originalGateway6: v6 } : {}) } };
  }
}

function summarize(plan: NetworkPlan, skipped: string[], dnsBackend: string | undefined): NetworkSummary {
  const dns = plan.dns;
  const resolved = dnsBackend === 'systemd-resolved';
  return {
    routes: plan.steps.filter((step) => step.apply.includes('route')).map((step) => step.description),
    dnsServers: dnsBackend === undefined ? [] : (resolved ? dns?.resolved?.servers : dns?.resolvConf?.nameservers) ?? [],
    searchDomains: dnsBackend === undefined ? [] : (resolved ? dns?.resolved?.domains.filter((d) => !d.startsWith('~')) : dns?.resolvConf?.search) ?? [],
    redirectGateway: plan.redirectsDefault4 || plan.redirectsDefault6,
    carriesDefault: { ipv4: plan.redirectsDefault4, ipv6: plan.redirectsDefault6 },
    warnings: [...plan.warnings, ...skipped],
  };
}
