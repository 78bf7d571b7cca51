// The public API of native-helper/netconfig: a tunnel's addresses, routes and DNS on
// Linux, applied with an on-disk undo journal so a crash is taken back at the next start.
export { planNetwork } from './plan-network';
export { planDns } from './plan-dns';
export { IPV6_REDIRECT_PREFIXES } from './plan-routes-ipv6';
export type {
  NetworkPlan, NetworkStep, PlanInput, OriginalGateway, DnsPlan, ResolvedDnsPlan, ResolvConfDnsPlan, UndoAction,
} from './network-plan-types';
export { applyNetworkPlan } from './apply-network-plan';
export type { ApplyOptions, ApplyOutcome } from './apply-network-plan';
export { undoNetwork, isAlreadyGone } from './undo-network';
export type { UndoReport, UndoOptions } from './undo-network';
export { rollbackStaleJournals } from './rollback-stale-journals';
export type { RollbackOptions } from './rollback-stale-journals';
export { Journal, DEFAULT_JOURNAL_DIR } from './journal';
export { decodeJournal, encodeJournalRecord } from './journal-codec';
export type { JournalContents, JournalHeader, JournalRecord } from './journal-codec';
export { chooseDnsBackend, RESOLVED_STUB_PATH, DEFAULT_RESOLV_CONF_PATH } from './dns-backend';
export type { DnsBackend, DnsBackendChoice } from './dns-backend';
export { ResolvedBackend } from './resolved-backend';
export { ResolvConfBackend, renderResolvConf } from './resolv-conf-backend';
export { discoverGateway, discoverDefaultGateway, parseRouteGet, parseDefaultRoutes, parseInterfaceSubnet } from './gateway-discovery';
export type { RouteGetAnswer, DefaultRoute } from './gateway-discovery';
export { execFileRunner, systemRunners } from './command-runner';
export type { CommandRunner, CommandResult, NetconfigRunners } from './command-runner';
export type { NetconfigError, NetconfigErrorCode } from './netconfig-error';
export { LinuxNetwork } from './linux-network';
export type { LinuxNetworkOptions, NetworkRequest, NetworkSummary } from './linux-network';
