import { FirewallInputError } from './firewall-error';
import { decidePolicy, needsTable, type FirewallPolicy } from './firewall-policy';
import { firewallInputSchema, type FirewallInput } from './firewall-types';
import * as rules from './exception-rules';

/** Our one table. Nothing in this module ever names another. */
export const TABLE_FAMILY = 'inet';
export const TABLE_NAME = 'postern';
const TABLE = `${TABLE_FAMILY} ${TABLE_NAME}`;

/**
 * The first two lines of every script: create the table if it is missing, then delete it,
 * so the delete never fails with ENOENT. `nft -f` runs the whole script as one transaction:
 * the old table and the new one are swapped atomically, and a script that fails to load
 * leaves the old table in place. (nft 1.0.8 has `destroy table`; Debian 12 has 1.0.6.)
 */
export const REPLACE_TABLE = `table ${TABLE} {}\ndelete table ${TABLE}\n`;

/** The script that removes our table, and is a no-op when it is absent. */
export function removalScript(): string {
  return REPLACE_TABLE;
}

/**
 * The nft script (for `nft -f -`) that puts our table into the state `input` needs. Pure.
 * Throws FirewallInputError when the input fails the schema.
 */
export function planFirewall(input: FirewallInput): string {
  const parsed = firewallInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new FirewallInputError(parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '));
  }
  const policy = decidePolicy(parsed.data);
  if (!needsTable(policy)) return removalScript();
  return REPLACE_TABLE + renderTable(parsed.data, policy);
}

function renderTable(input: FirewallInput, policy: FirewallPolicy): string {
  const body = [
    ...rules.COUNTERS.map((name) => `counter ${name} {}`),
    ...rules.lanSets(),
    chain('output', policy.blocking ? 'drop' : 'accept', outputRules(input, policy)),
    ...(policy.blocking ? [chain('input', 'drop', inputRules(input, policy))] : []),
    ...(policy.blocking ? [chain('forward', 'drop', forwardRules(input))] : []),
  ];
  return `table ${TABLE} {\n${body.map(indent).join('\n')}\n}\n`;
}

/**
 * Order matters: loopback, link services (DHCP, NDP, MLD), the helper's own packets, the
 * bootstrap resolvers, the DNS guard, the tunnel, the LAN, then the refusal. The DNS guard
 * sits before the tunnel and LAN so neither lets a stray query out.
 */
function outputRules(input: FirewallInput, policy: FirewallPolicy): string[] {
  const tunnel = input.tunnelInterface;
  const final = policy.blocking ? rules.refuse('blocked_out') : policy.ipv6Guard ? rules.refuse('ipv6_leak', 'ipv6') : [];
  return [
    ...rules.loopbackOut(),
    ...rules.linkServicesOut(),
    ...rules.serversOut(input.servers),
    ...(policy.bootstrapDns ? rules.bootstrapDnsOut(input.bootstrapDns ?? []) : []),
    ...(policy.dnsGuard && tunnel !== undefined ? rules.dnsGuard(tunnel, input.tunnelDns) : []),
    ...(tunnel !== undefined ? rules.tunnelOut(tunnel) : []),
    ...(input.allowLan ? rules.lanOut() : []),
    ...final,
  ];
}

function inputRules(input: FirewallInput, policy: FirewallPolicy): string[] {
  const tunnel = input.tunnelInterface;
  return [
    ...rules.loopbackIn(),
    ...rules.linkServicesIn(),
    ...rules.serversIn(input.servers),
    ...(policy.bootstrapDns ? rules.bootstrapDnsIn(input.bootstrapDns ?? []) : []),
    ...(tunnel !== undefined ? rules.tunnelIn(tunnel) : []),
    ...(input.allowLan ? rules.lanIn() : []),
    ...rules.relatedIcmpIn(),
    'counter name "blocked_in" drop',
  ];
}

/** Containers and VMs routed by this machine: out through the tunnel, or to the LAN when allowed. */
function forwardRules(input: FirewallInput): string[] {
  const tunnel = input.tunnelInterface;
  return [
    ...(tunnel !== undefined ? [`oifname "${tunnel}" accept`, `iifname "${tunnel}" ct state established,related accept`] : []),
    ...(input.allowLan ? ['ip daddr @lan_v4 accept', 'ip6 daddr @lan_v6 accept'] : []),
    ...rules.refuse('blocked_forward'),
  ];
}

function chain(name: 'output' | 'input' | 'forward', policy: 'accept' | 'drop', lines: string[]): string {
  const head = `type filter hook ${name} priority filter; policy ${policy};`;
  return `chain ${name} {\n${[head, ...lines].map(indent).join('\n')}\n}`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `\t${line}`).join('\n');
}
