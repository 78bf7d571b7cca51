// The public API of native-helper/firewall: the kill switch and the DNS / IPv6 leak guards
// as one nftables table of our own (`inet postern`), replaced atomically. See README.md.
export { planFirewall, removalScript, REPLACE_TABLE, TABLE_FAMILY, TABLE_NAME } from './plan-firewall';
export { decidePolicy, needsTable } from './firewall-policy';
export type { FirewallPolicy } from './firewall-policy';
export { firewallInputSchema, killSwitchModeSchema, MAX_SERVERS, MAX_DNS_SERVERS } from './firewall-types';
export type { FirewallInput, KillSwitchMode, ServerEndpoint, TunnelPhase } from './firewall-types';
export { COUNTERS, LAN_IPV4, LAN_IPV6 } from './exception-rules';
export type { CounterName } from './exception-rules';
export { Firewall, readCounters } from './firewall';
export type { FirewallCounters, FirewallOptions, NftJson, PacketCount } from './firewall';
export { nftRunner } from './nft-runner';
export type { NftResult, NftRunner, NftRunnerOptions } from './nft-runner';
export { KillSwitchSettingsStore, DEFAULT_SETTINGS, DEFAULT_SETTINGS_PATH, killSwitchSettingsSchema } from './killswitch-settings';
export type { KillSwitchSettings, LoadedSettings, SettingsStoreOptions } from './killswitch-settings';
export { FirewallInputError, firewallError } from './firewall-error';
export type { FirewallError, FirewallErrorCode, FirewallResult } from './firewall-error';
