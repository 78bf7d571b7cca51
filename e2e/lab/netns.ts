import { randomInt } from 'node:crypto';
import { run, runOk } from './run';

/** Prefix of everything the lab creates, so stale leftovers can be found and removed. */
export const LAB_PREFIX = 'pst';

export interface LabNetwork {
  id: string;
  serverNs: string;
  clientNs: string;
  /** client ns ↔ server ns */
  link: { serverIp: string; clientIp: string; serverIp6: string; clientIp6: string };
  /** root ns (the test process) ↔ server ns */
  hostLink: { serverIp: string; hostIp: string; serverIp6: string; hostIp6: string; hostInterface: string };
  /** A /24 for the server's tunnel, unique per lab. */
  tunnelNet: { network: string; serverIp: string; network6: string; serverIp6: string };
}

/**
 * Two namespaces joined by a veth pair, plus a veth from the root namespace to the server
 * (so the in-process TypeScript client can reach it). Addresses come from 10.200–254.x and
 * are checked against the root namespace so parallel runs do not collide.
 */
export async function createLabNetwork(): Promise<LabNetwork> {
  const id = `${LAB_PREFIX}${process.pid % 100000}${randomInt(36 ** 3).toString(36)}`;
  const used = (await run('ip', ['-4', 'addr', 'show'])).stdout + (await run('ip', ['-4', 'route', 'show'])).stdout;
  let a: number; let b: number;
  do { a = randomInt(200, 255); b = randomInt(0, 256); } while (used.includes(`10.${a}.${b}.`));
  const net: LabNetwork = {
    id, serverNs: `${id}-s`, clientNs: `${id}-c`,
    link: { serverIp: `10.${a}.${b}.1`, clientIp: `10.${a}.${b}.2`, serverIp6: `fd00:${a}:${b}::1`, clientIp6: `fd00:${a}:${b}::2` },
    hostLink: { serverIp: `10.${a}.${b}.6`, hostIp: `10.${a}.${b}.5`, serverIp6: `fd00:${a}:${b}:1::6`, hostIp6: `fd00:${a}:${b}:1::5`, hostInterface: `${id}h` },
    tunnelNet: { network: `10.${a}.${(b + 128) % 256}.0`, serverIp: `10.${a}.${(b + 128) % 256}.1`, network6: `fd00:${a}:${b}:8::/64`, serverIp6: `fd00:${a}:${b}:8::1` },
  };
  try {
    await setUp(net);
  } catch (error) {
    await destroyLabNetwork(net);
    throw error;
  }
  return net;
}

async function setUp(net: LabNetwork): Promise<void> {
  const ip = (...args: string[]): Promise<string> => runOk('ip', args);
  const inNs = (ns: string, ...args: string[]): Promise<string> => runOk('ip', ['-n', ns, ...args]);
  await ip('netns', 'add', net.serverNs);
  await ip('netns', 'add', net.clientNs);
  for (const ns of [net.serverNs, net.clientNs]) await inNs(ns, 'link', 'set', 'lo', 'up');
  // client ns ↔ server ns
  await ip('link', 'add', `${net.id}s`, 'netns', net.serverNs, 'type', 'veth', 'peer', 'name', `${net.id}c`, 'netns', net.clientNs);
  await inNs(net.serverNs, 'addr', 'add', `${net.link.serverIp}/30`, 'dev', `${net.id}s`);
  await inNs(net.serverNs, '-6', 'addr', 'add', `${net.link.serverIp6}/64`, 'dev', `${net.id}s`, 'nodad');
  await inNs(net.serverNs, 'link', 'set', `${net.id}s`, 'up');
  await inNs(net.clientNs, 'addr', 'add', `${net.link.clientIp}/30`, 'dev', `${net.id}c`);
  await inNs(net.clientNs, '-6', 'addr', 'add', `${net.link.clientIp6}/64`, 'dev', `${net.id}c`, 'nodad');
  await inNs(net.clientNs, 'link', 'set', `${net.id}c`, 'up');
  // root ns ↔ server ns
  await ip('link', 'add', net.hostLink.hostInterface, 'type', 'veth', 'peer', 'name', `${net.id}r`, 'netns', net.serverNs);
  await ip('addr', 'add', `${net.hostLink.hostIp}/30`, 'dev', net.hostLink.hostInterface);
  await ip('-6', 'addr', 'add', `${net.hostLink.hostIp6}/64`, 'dev', net.hostLink.hostInterface, 'nodad');
  await ip('link', 'set', net.hostLink.hostInterface, 'up');
  await inNs(net.serverNs, 'addr', 'add', `${net.hostLink.serverIp}/30`, 'dev', `${net.id}r`);
  await inNs(net.serverNs, '-6', 'addr', 'add', `${net.hostLink.serverIp6}/64`, 'dev', `${net.id}r`, 'nodad');
  await inNs(net.serverNs, 'link', 'set', `${net.id}r`, 'up');
}

/** Removes the namespaces and the root-side veth; safe to call twice or after a partial set-up. */
export async function destroyLabNetwork(net: Pick<LabNetwork, 'id' | 'serverNs' | 'clientNs'>): Promise<void> {
  await run('ip', ['link', 'del', `${net.id}h`]);
  await run('ip', ['netns', 'del', net.serverNs]);
  await run('ip', ['netns', 'del', net.clientNs]);
}

/** Removes leftovers of lab runs whose process is gone (a killed test run). */
export async function sweepStaleLabs(): Promise<void> {
  const list = (await run('ip', ['netns', 'list'])).stdout;
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^(${LAB_PREFIX}(\\d+)[a-z0-9]+)-[sc]$`).exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (isProcessAlive(pid)) continue;
    await destroyLabNetwork({ id: match[1] as string, serverNs: `${match[1]}-s`, clientNs: `${match[1]}-c` });
  }
}

function isProcessAlive(pidSuffix: number): boolean {
  // Names carry pid % 100000; a live process with that suffix keeps its labs.
  try {
    process.kill(pidSuffix, 0);
    return true;
  } catch {
    return false;
  }
}
