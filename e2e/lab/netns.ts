import { randomBytes, randomInt } from 'node:crypto';
import { run, runOk } from './run';
import { labNames, newLabId, parseLabName } from './lab-names';
import { registerLab, removeLabSync, unregisterLab, type LabResources } from './cleanup';

export { LAB_PREFIX } from './lab-names';

export interface LabNetwork {
  id: string;
  serverNs: string;
  clientNs: string;
  /** client ns ↔ server ns: a /24 and a /64. */
  link: { serverIp: string; clientIp: string; serverIp6: string; clientIp6: string; serverInterface: string; clientInterface: string };
  /** root ns (the test process) ↔ server ns: a /30 and a /64. */
  hostLink: { serverIp: string; hostIp: string; serverIp6: string; hostIp6: string; hostInterface: string; serverInterface: string };
  /** The server's tunnel: a /24 (and a /64, routed only with `ipv6: true`), unique per lab. */
  tunnel: { network: string; netmask: string; serverIp: string; network6: string; serverIp6: string; device: string };
}

const MAX_ATTEMPTS = 5;

/**
 * Two namespaces joined by a veth pair, plus a veth from the root namespace to the server
 * (so the in-process TypeScript client can reach it). IPv4 comes from 10.200–254.x, IPv6
 * from a random ULA /48. The root-side /30 is the only address parallel runs can collide
 * on: it is checked before and after it is added, and another one is picked if taken.
 */
export async function createLabNetwork(): Promise<LabNetwork> {
  for (let attempt = 1; ; attempt++) {
    const net = planNetwork(newLabId(), await rootAddresses());
    const resources = labResources(net);
    registerLab(net.id, resources);
    try {
      await setUp(net);
      if (await isRootSubnetShared(net)) throw new CollisionError(net.hostLink.hostIp);
      return net;
    } catch (error) {
      await destroyLabNetwork(net);
      if (!(error instanceof CollisionError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

class CollisionError extends Error {}

async function rootAddresses(): Promise<string> {
  return (await run('ip', ['-4', '-o', 'addr', 'show'])).stdout + (await run('ip', ['-4', 'route', 'show'])).stdout;
}

function planNetwork(id: string, usedInRoot: string): LabNetwork {
  const x = randomInt(200, 255);
  let hostThird: number;
  do { hostThird = randomInt(0, 256); } while (usedInRoot.includes(`10.${x}.${hostThird}.`));
  const [linkThird, tunnelThird] = [(hostThird + 1 + randomInt(0, 127)) % 256, (hostThird + 128 + randomInt(0, 127)) % 256];
  const ula = `fd${randomBytes(1).toString('hex')}:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
  const names = labNames(id);
  return {
    id, serverNs: names.serverNs, clientNs: names.clientNs,
    link: {
      serverIp: `10.${x}.${linkThird}.1`, clientIp: `10.${x}.${linkThird}.2`,
      serverIp6: `${ula}:1::1`, clientIp6: `${ula}:1::2`,
      serverInterface: names.linkServer, clientInterface: names.linkClient,
    },
    hostLink: {
      hostIp: `10.${x}.${hostThird}.1`, serverIp: `10.${x}.${hostThird}.2`,
      hostIp6: `${ula}:2::1`, serverIp6: `${ula}:2::2`,
      hostInterface: names.hostSide, serverInterface: names.hostServer,
    },
    tunnel: {
      network: `10.${x}.${tunnelThird}.0`, netmask: '255.255.255.0', serverIp: `10.${x}.${tunnelThird}.1`,
      network6: `${ula}:8::/64`, serverIp6: `${ula}:8::1`, device: names.serverTun,
    },
  };
}

async function setUp(net: LabNetwork): Promise<void> {
  const ip = (...args: string[]): Promise<string> => runOk('ip', args);
  const inNs = (ns: string, ...args: string[]): Promise<string> => runOk('ip', ['-n', ns, ...args]);
  const address = async (ns: string | undefined, dev: string, v4: string, v6: string): Promise<void> => {
    const at = (...args: string[]): Promise<string> => (ns ? inNs(ns, ...args) : ip(...args));
    await at('addr', 'add', v4, 'dev', dev);
    await at('-6', 'addr', 'add', v6, 'dev', dev, 'nodad'); // nodad: usable at once, no 1-2 s wait
    await at('link', 'set', dev, 'up');
  };
  const { link, hostLink } = net;
  await ip('netns', 'add', net.serverNs);
  await ip('netns', 'add', net.clientNs);
  for (const ns of [net.serverNs, net.clientNs]) await inNs(ns, 'link', 'set', 'lo', 'up');
  await ip('link', 'add', link.serverInterface, 'netns', net.serverNs, 'type', 'veth', 'peer', 'name', link.clientInterface, 'netns', net.clientNs);
  await address(net.serverNs, link.serverInterface, `${link.serverIp}/24`, `${link.serverIp6}/64`);
  await address(net.clientNs, link.clientInterface, `${link.clientIp}/24`, `${link.clientIp6}/64`);
  await ip('link', 'add', hostLink.hostInterface, 'type', 'veth', 'peer', 'name', hostLink.serverInterface, 'netns', net.serverNs);
  await address(undefined, hostLink.hostInterface, `${hostLink.hostIp}/30`, `${hostLink.hostIp6}/64`);
  await address(net.serverNs, hostLink.serverInterface, `${hostLink.serverIp}/30`, `${hostLink.serverIp6}/64`);
}

/**
 * A bridged Ethernet segment in the server namespace, as OpenVPN's bridge-start script
 * makes one: a Linux bridge holding the tunnel's first address (the host on the segment
 * that clients ping and ARP for), and the server's tap made beforehand as a persistent
 * device and enslaved to it, so the server opens it by name and configures nothing.
 * Everything goes with the namespace.
 */
export async function addServerBridge(net: LabNetwork): Promise<void> {
  const inNs = (...args: string[]): Promise<string> => runOk('ip', ['-n', net.serverNs, ...args]);
  const bridge = labNames(net.id).serverBridge;
  const prefixLength = net.tunnel.netmask.split('.').reduce((bits, octet) => bits + Number(octet).toString(2).replaceAll('0', '').length, 0);
  await inNs('link', 'add', bridge, 'type', 'bridge');
  await inNs('addr', 'add', `${net.tunnel.serverIp}/${prefixLength}`, 'dev', bridge);
  await inNs('link', 'set', bridge, 'up');
  await inNs('tuntap', 'add', 'dev', net.tunnel.device, 'mode', 'tap');
  await inNs('link', 'set', net.tunnel.device, 'master', bridge);
  await inNs('link', 'set', net.tunnel.device, 'up');
}

/** True when another interface in the root namespace holds an address in our /30 (a race lost). */
async function isRootSubnetShared(net: LabNetwork): Promise<boolean> {
  const prefix = `${net.hostLink.hostIp.replace(/\.\d+$/, '.0')}/30`;
  const lines = (await runOk('ip', ['-4', '-o', 'addr', 'show', 'to', prefix])).split('\n').filter(Boolean);
  return lines.some((line) => !line.includes(` ${net.hostLink.hostInterface} `));
}

function labResources(net: Pick<LabNetwork, 'id' | 'serverNs' | 'clientNs'>): LabResources {
  return { namespaces: [net.serverNs, net.clientNs], rootInterfaces: [labNames(net.id).hostSide] };
}

/**
 * Removes the namespaces (killing whatever still runs in them) and the root-side veth;
 * safe to call twice or after a partial set-up.
 */
export async function destroyLabNetwork(net: Pick<LabNetwork, 'id' | 'serverNs' | 'clientNs'>): Promise<void> {
  const resources = labResources(net);
  for (const ns of resources.namespaces) {
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  for (const name of resources.rootInterfaces) await run('ip', ['link', 'del', name]);
  for (const ns of resources.namespaces) await run('ip', ['netns', 'del', ns]);
  unregisterLab(net.id);
}

/**
 * Removes leftovers of lab runs whose owner process is gone (a test run killed with
 * SIGKILL cannot clean up): namespaces `<id>-s`/`<id>-c` and root veths `<id>h`.
 * Labs of live processes, this one included, are left alone. Returns the ids removed.
 */
export async function sweepStaleLabs(): Promise<string[]> {
  const namespaces = (await run('ip', ['netns', 'list'])).stdout.split('\n').map((line) => line.split(' ')[0] ?? '');
  const links = (await run('ip', ['-o', 'link', 'show'])).stdout.split('\n').map((line) => (line.split(': ')[1] ?? '').split('@')[0] ?? '');
  const stale = new Set<string>();
  for (const name of namespaces) {
    const parsed = parseLabName(name, /^-[sc]$/);
    if (parsed && !isAlive(parsed.ownerPid)) stale.add(parsed.id);
  }
  for (const name of links) {
    const parsed = parseLabName(name, /^h$/);
    if (parsed && !isAlive(parsed.ownerPid)) stale.add(parsed.id);
  }
  for (const id of stale) {
    const { serverNs, clientNs } = labNames(id);
    removeLabSync({ namespaces: [serverNs, clientNs], rootInterfaces: [labNames(id).hostSide] });
  }
  return [...stale];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
