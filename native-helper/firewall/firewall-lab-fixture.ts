// Test-only: the firewall lab. Two namespaces made for one test, removed afterwards (also
// when the test fails, and at process exit through e2e/lab/cleanup):
//
//   client ns                                   server ns
//   <id>c  198.18.N.2/24  2001:db8:N::2/64  ─── <id>s  198.18.N.1 (the VPN server's underlay,
//          192.168.N.2/24 fdNN::2/64              192.168.N.1 (a LAN host), fdNN::1
//   <id>t  100.64.N.2/24 (acts as the tunnel) ─ <id>u  100.64.N.1 (tunnel DNS)
//                                               lo: 203.0.113.N, 2001:db8:ffff::N ("the internet")
//
// The underlay is 198.18/15 and 2001:db8::/32, not RFC 1918 or ULA, so it is never "LAN".
// The server namespace has its own counting table (`inet peer`): what arrived, by kind.
import { randomBytes, randomInt } from 'node:crypto';
import { Firewall } from './firewall';
import { runProbes, type Probe, type ProbeOutcome } from './firewall-lab-probe';
import { labRun as run, labRunOk as runOk } from './lab-run';
import { nftRunner } from './nft-runner';

export interface FirewallLab {
  clientNs: string;
  serverNs: string;
  physical: string;
  tunnel: string;
  underlay: { server: string; client: string; server6: string; client6: string };
  lan: { host: string; client: string; host6: string; client6: string };
  tunnelPeer: string;
  internet: string;
  internet6: string;
  firewall: Firewall;
  /** `nft list ruleset` in the client namespace. */
  ruleset(): Promise<string>;
  probe(probes: readonly Probe[], uid?: number): Promise<ProbeOutcome[]>;
  /** Packets the server namespace saw, per kind (see PEER_COUNTERS). */
  peer(): Promise<Record<PeerCounter, number>>;
  /** The client's default routes: through the underlay (connecting) or the tunnel (connected). */
  route(via: 'underlay' | 'tunnel'): Promise<void>;
  remove(): Promise<void>;
}

export const SERVER_PORT = 1194;
export const OTHER_PORT = 8080;

export const PEER_COUNTERS = [
  'server_udp', 'underlay_other_udp', 'underlay_tcp', 'underlay_icmp', 'underlay_icmp6', 'underlay_dns',
  'lan', 'lan6', 'internet_via_tunnel', 'internet_via_underlay', 'internet6', 'tunnel_dns', 'other_dns_via_tunnel',
] as const;
export type PeerCounter = (typeof PEER_COUNTERS)[number];

/**
 * Builds the lab under `id` (namespaces `<id>-c`, `<id>-s`; interfaces `<id>c|s|t|u`, so
 * `id` is at most 14 characters). The caller registers the names for removal at exit (the
 * lab test uses e2e/lab's ids and cleanup); a failed build removes what it made.
 */
export async function createFirewallLab(id: string): Promise<FirewallLab> {
  const n = randomInt(1, 250);
  const ula = `fd${randomBytes(1).toString('hex')}:${randomBytes(2).toString('hex')}`;
  const lab = {
    clientNs: `${id}-c`, serverNs: `${id}-s`, physical: `${id}c`, tunnel: `${id}t`,
    serverPhysical: `${id}s`, serverTunnel: `${id}u`,
    underlay: { server: `198.18.${n}.1`, client: `198.18.${n}.2`, server6: `2001:db8:${n}::1`, client6: `2001:db8:${n}::2` },
    lan: { host: `192.168.${n}.1`, client: `192.168.${n}.2`, host6: `${ula}::1`, client6: `${ula}::2` },
    tunnelPeer: `100.64.${n}.1`, tunnelClient: `100.64.${n}.2`,
    internet: `203.0.113.${n}`, internet6: `2001:db8:ffff::${n.toString(16)}`,
  };
  const remove = async (): Promise<void> => {
    for (const ns of [lab.clientNs, lab.serverNs]) await run('ip', ['netns', 'del', ns]);
  };
  try {
    await build(lab);
  } catch (error) {
    await remove();
    throw error;
  }
  const nft = nftRunner({ namespace: lab.clientNs });
  return {
    ...lab,
    firewall: new Firewall({ runNft: nft }),
    ruleset: () => runOk('ip', ['netns', 'exec', lab.clientNs, 'nft', 'list', 'ruleset']),
    probe: (probes, uid) => runProbes(lab.clientNs, probes, uid),
    peer: () => peerCounters(lab.serverNs),
    route: (via) => setDefaultRoutes(lab, via),
    remove,
  };
}

type LabPlan = Omit<FirewallLab, 'firewall' | 'ruleset' | 'probe' | 'peer' | 'route' | 'remove'>
  & { serverPhysical: string; serverTunnel: string; tunnelClient: string };

async function build(lab: LabPlan): Promise<void> {
  const c = (...args: string[]): Promise<string> => runOk('ip', ['-n', lab.clientNs, ...args]);
  const s = (...args: string[]): Promise<string> => runOk('ip', ['-n', lab.serverNs, ...args]);
  for (const ns of [lab.clientNs, lab.serverNs]) {
    await runOk('ip', ['netns', 'add', ns]);
    // No duplicate address detection: link-local addresses usable at once, not after 1-2 s.
    await runOk('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
  }
  await runOk('ip', ['-n', lab.clientNs, 'link', 'add', lab.physical, 'type', 'veth', 'peer', 'name', lab.serverPhysical, 'netns', lab.serverNs]);
  await runOk('ip', ['-n', lab.clientNs, 'link', 'add', lab.tunnel, 'type', 'veth', 'peer', 'name', lab.serverTunnel, 'netns', lab.serverNs]);
  for (const [at, dev, addresses] of [
    [c, lab.physical, [`${lab.underlay.client}/24`, `${lab.lan.client}/24`, `${lab.underlay.client6}/64`, `${lab.lan.client6}/64`]],
    [c, lab.tunnel, [`${lab.tunnelClient}/24`]],
    [s, lab.serverPhysical, [`${lab.underlay.server}/24`, `${lab.lan.host}/24`, `${lab.underlay.server6}/64`, `${lab.lan.host6}/64`]],
    [s, lab.serverTunnel, [`${lab.tunnelPeer}/24`]],
    [s, 'lo', [`${lab.internet}/32`, `${lab.internet6}/128`]],
  ] as const) {
    for (const address of addresses) await at('addr', 'add', address, 'dev', dev, ...(address.includes(':') ? ['nodad'] : []));
    await at('link', 'set', dev, 'up');
  }
  await c('link', 'set', 'lo', 'up');
  await setDefaultRoutes(lab, 'underlay');
  await warmUp(lab);
  await runOk('ip', ['netns', 'exec', lab.serverNs, 'nft', '-f', '-'], { input: peerTable(lab) });
}

/**
 * Every peer answers once before any rule exists: proves the lab, and gets the first
 * neighbour discovery on a link just raised (which can take longer than a probe waits)
 * out of the way. Bounded: one ping each, 3 s at most.
 */
async function warmUp(lab: LabPlan): Promise<void> {
  await Promise.all([lab.underlay.server, lab.lan.host, lab.tunnelPeer, lab.underlay.server6, lab.lan.host6].map((host) =>
    runOk('ip', ['netns', 'exec', lab.clientNs, 'ping', '-n', '-c', '1', '-W', '3', host])));
}

async function setDefaultRoutes(lab: LabPlan, via: 'underlay' | 'tunnel'): Promise<void> {
  const c = (...args: string[]): Promise<string> => runOk('ip', ['-n', lab.clientNs, ...args]);
  if (via === 'underlay') await c('route', 'replace', 'default', 'via', lab.underlay.server, 'dev', lab.physical);
  else await c('route', 'replace', 'default', 'via', lab.tunnelPeer, 'dev', lab.tunnel);
  await c('-6', 'route', 'replace', 'default', 'via', lab.underlay.server6, 'dev', lab.physical);
}

/** The server's own counting table: everything that reaches it, by what it is. */
function peerTable(lab: LabPlan): string {
  const rules: Record<PeerCounter, string> = {
    server_udp: `ip daddr ${lab.underlay.server} udp dport ${SERVER_PORT}`,
    underlay_other_udp: `ip daddr ${lab.underlay.server} udp dport ${OTHER_PORT}`,
    underlay_tcp: `ip daddr ${lab.underlay.server} tcp dport ${OTHER_PORT} tcp flags syn`,
    underlay_icmp: `ip daddr ${lab.underlay.server} icmp type echo-request`,
    underlay_icmp6: `ip6 daddr ${lab.underlay.server6} icmpv6 type echo-request`,
    underlay_dns: `ip daddr ${lab.underlay.server} udp dport 53`,
    lan: `ip daddr ${lab.lan.host} meta l4proto { icmp, tcp, udp }`,
    lan6: `ip6 daddr ${lab.lan.host6} icmpv6 type echo-request`,
    internet_via_tunnel: `iifname "${lab.serverTunnel}" ip daddr ${lab.internet} meta l4proto { icmp, tcp }`,
    internet_via_underlay: `iifname "${lab.serverPhysical}" ip daddr ${lab.internet} meta l4proto { icmp, tcp }`,
    internet6: `ip6 daddr ${lab.internet6} icmpv6 type echo-request`,
    tunnel_dns: `iifname "${lab.serverTunnel}" ip daddr ${lab.tunnelPeer} udp dport 53`,
    other_dns_via_tunnel: `iifname "${lab.serverTunnel}" ip daddr ${lab.internet} udp dport 53`,
  };
  const counters = PEER_COUNTERS.map((name) => `\tcounter ${name} {}`).join('\n');
  const lines = PEER_COUNTERS.map((name) => `\t\t${rules[name]} counter name "${name}"`).join('\n');
  return `table inet peer {\n${counters}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n${lines}\n\t}\n}\n`;
}

async function peerCounters(serverNs: string): Promise<Record<PeerCounter, number>> {
  const json = JSON.parse(await runOk('ip', ['netns', 'exec', serverNs, 'nft', '-j', 'list', 'counters', 'table', 'inet', 'peer'])) as { nftables: Array<{ counter?: { name: string; packets: number } }> };
  const counts = Object.fromEntries(PEER_COUNTERS.map((name) => [name, 0])) as Record<PeerCounter, number>;
  for (const item of json.nftables) if (item.counter) counts[item.counter.name as PeerCounter] = item.counter.packets;
  return counts;
}
