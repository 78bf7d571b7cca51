import { SuspendDetector } from '../power/suspend-detector';
import { DEFAULT_JOURNAL_DIR, LinuxNetwork, rollbackStaleJournals } from '../netconfig/index';
import type { LinuxNetworkOptions, UndoReport } from '../netconfig/index';
import { nativeAead } from '../crypto/native-aead';
import { nativeAeadCipher } from '../crypto/native-data-cipher';
import { nativeDataPlane } from '../dataplane/native-data-plane';
import { nativeProviderLoader } from '../crypto/openssl-providers';
import { openNativeUdpLink } from '../udp/native-udp-link';
import { releaseStartupPages } from './startup-pages';
import { execFileRunner } from '../netconfig/command-runner';
import { DEFAULT_SETTINGS_PATH, Firewall, KillSwitchSettingsStore } from '../firewall/index';
import { KillSwitch } from './kill-switch';
import { observeLeaks } from './leak-probe';
import { claimNetwork } from './network-owner';
import { upstreamResolvers } from './resolve-servers';
import { createTunnelService } from './tunnel-service';
import { NetworkWatcher } from '../netwatch/network-watcher';
import { readServerPath } from '../netwatch/server-path';
import type { TunnelService, TunnelServiceOptions } from './tunnel-service';

export interface SystemTunnelServiceOptions extends Omit<TunnelServiceOptions, 'createNetwork' | 'killSwitch' | 'observeLeaks'> {
  network?: LinuxNetworkOptions;
  /** The kill switch's settings file; default $POSTERN_KILLSWITCH_SETTINGS, else /var/lib/postern/killswitch.json. */
  killSwitchSettingsPath?: string;
}

export interface SystemTunnelService {
  service: TunnelService;
  /** Journals of earlier runs that died without undoing their routes and DNS, now undone. */
  recovered: UndoReport[];
}

/**
 * The service as `postern helper` and `postern connect` run it: the real TUN device and
 * the OS's routes and DNS. A run killed with SIGKILL (or a power cut) left its undo
 * journal behind; it is replayed here, before anything new is applied, so the machine
 * is back to how it was before that run. UDP to the server, the data channel's AEAD
 * and a profile's OpenSSL `providers` go through the addon (native-helper/udp, native-helper/crypto), which the TUN device
 * needs anyway. Each tunnel holds this namespace's network lock (network-owner.ts), so
 * the helper and a root `postern connect` never configure the same network at once.
 * The path to the server is watched (native-helper/netwatch), so a new address or route
 * moves the session at once rather than at ping-restart.
 */
export async function createSystemTunnelService(options: SystemTunnelServiceOptions = {}): Promise<SystemTunnelService> {
  const { network = {}, killSwitchSettingsPath, ...serviceOptions } = options;
  // The resolv.conf this helper is configured with is the one file a journal may restore.
  // Start-up is over once the service is built: what loading and compiling the bundle touched goes back now, the rest after each connect.
  releaseStartupPages();
  const recovered = await rollbackStaleJournals(network.journalDir ?? DEFAULT_JOURNAL_DIR, network.runners, { resolvConfPath: network.resolvConfPath });
  // The kill switch is honoured by the helper and a root in-process connect alike: both build their service here.
  const firewall = new Firewall();
  const resolvConfPath = network.resolvConfPath ?? '/etc/resolv.conf';
  const killSwitch = new KillSwitch({
    firewall,
    settings: new KillSwitchSettingsStore({ path: killSwitchSettingsPath ?? process.env['POSTERN_KILLSWITCH_SETTINGS'] ?? DEFAULT_SETTINGS_PATH }),
    bootstrapDns: () => upstreamResolvers(resolvConfPath),
  });
  const runIp = network.runners?.runIp ?? execFileRunner('ip');
  const service = createTunnelService({
    openUdpLink: openNativeUdpLink, aead: nativeAead(), aeadCipher: nativeAeadCipher(), attachDataPlane: nativeDataPlane(), loadProvider: nativeProviderLoader(), claimNetwork: () => claimNetwork(), ...serviceOptions, createNetwork: () => new LinuxNetwork(network),
    killSwitch,
    watchPath: (events) => new NetworkWatcher({ readPath: (address) => readServerPath(runIp, address) }, events),
    watchSleep: (onWake) => new SuspendDetector({ onWake }),
    // After "connected" has gone out, not before it: the ~20 ms it takes is nobody's wait.
    onConnected: () => setImmediate(releaseStartupPages),
    observeLeaks: (dnsServers) => observeLeaks({ runIp, currentTable: () => firewall.current(), resolvConfPath }, dnsServers),
  });
  await killSwitch.start();
  return { service, recovered };
}

/**
 * One line per recovered journal, for the log. Steps that could not be undone stay in the
 * journal and the line says they are retried at the next start; refused records (or a
 * journal or folder others could write) are named, never run, and left where they are.
 */
export function describeRecovery(report: UndoReport): string {
  const failures = report.failures.length === 0 ? '' : `; ${report.failures.length} could not be undone: ${report.failures.join('; ')}`;
  const retry = report.owed === 0 ? '' : `; ${report.owed} still owed, kept in the journal and retried at the next start`;
  const refused = report.refused.length === 0 ? '' : `; refused, not run and left in place: ${report.refused.join('; ')}`;
  return `undid what an earlier run left behind (${report.journalPath}): ${report.undone} changes reverted, ${report.alreadyGone} already gone${failures}${retry}${refused}`;
}
