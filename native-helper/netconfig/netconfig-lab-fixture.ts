import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { TunnelConfig } from '../../core/index';
import type { DnsPlan } from './network-plan-types';
import { execFileRunner, type NetconfigRunners } from './command-runner';
import { tunnelConfigFixture } from './tunnel-config-fixture';

/**
 * Test-only: a network namespace with an "uplink" veth (192.0.2.2/24, fd00:1::2/64, default
 * routes via .1 / ::1), a persistent TUN device, and /etc/netns/<ns>/resolv.conf.
 */
const run = promisify(execFile);

export const LAB_TUN = 'ptun0';
export const LAB_UPLINK = 'up0';
export const LAB_SERVER = '198.51.100.7';
export const LAB_TUN_MTU_BYTES = 1500;
export const LAB_RESOLV_CONF = '# lab resolver\nnameserver 192.0.2.53\nsearch home.example\n';
/** The resolv.conf DNS the lab's push gives (labTunnelConfig), as a plan of its own. */
export const LAB_DNS_PLAN: DnsPlan = { source: 'dhcp-option', resolvConf: { nameservers: ['10.8.0.53', 'fd00:8::53'], search: ['corp.example'] } };

export interface LabNamespace {
  name: string;
  resolvConfPath: string;
  runners: NetconfigRunners;
  snapshot(): Promise<string>;
  remove(): Promise<void>;
}

export function labNamespaceName(): string {
  return `pstnc${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
}

export async function createLabNamespace(name = labNamespaceName()): Promise<LabNamespace> {
  const ip = (...argv: string[]): Promise<unknown> => run('ip', ['-n', name, ...argv]);
  const namespace: LabNamespace = {
    name,
    resolvConfPath: `/etc/netns/${name}/resolv.conf`,
    runners: {
      runIp: execFileRunner('ip', ['-n', name]),
      runResolvectl: async () => ({ ok: false, stderr: 'no systemd-resolved inside a test namespace', exitCode: 1 }),
    },
    snapshot: () => snapshotNamespace(name),
    remove: async () => {
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      await rm(`/etc/netns/${name}`, { recursive: true, force: true });
    },
  };
  try {
    await run('ip', ['netns', 'add', name]);
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', LAB_UPLINK, 'type', 'veth', 'peer', 'name', 'up1');
    // No link-local addresses: their DAD state ("tentative") would change between snapshots.
    for (const dev of ['up1', LAB_UPLINK]) await ip('link', 'set', dev, 'addrgenmode', 'none');
    await ip('link', 'set', 'up1', 'up');
    await ip('link', 'set', LAB_UPLINK, 'up');
    await ip('addr', 'add', '192.0.2.2/24', 'dev', LAB_UPLINK);
    await ip('-6', 'addr', 'add', 'fd00:1::2/64', 'dev', LAB_UPLINK, 'nodad');
    await ip('route', 'add', 'default', 'via', '192.0.2.1');
    await ip('-6', 'route', 'add', 'default', 'via', 'fd00:1::1');
    await ip('tuntap', 'add', 'dev', LAB_TUN, 'mode', 'tun');
    // The kernel attaches the default qdisc the first time a device goes up and keeps it
    // when it goes down; that is not configuration we own, so the "before" state has it too.
    await ip('link', 'set', 'dev', LAB_TUN, 'up');
    await ip('link', 'set', 'dev', LAB_TUN, 'down');
    await mkdir(`/etc/netns/${name}`, { recursive: true });
    await writeFile(namespace.resolvConfPath, LAB_RESOLV_CONF);
  } catch (error) {
    await namespace.remove();
    throw error;
  }
  return namespace;
}

async function snapshotNamespace(name: string): Promise<string> {
  const parts: string[] = [];
  for (const argv of [['route'], ['-6', 'route'], ['addr']]) {
    const { stdout } = await run('ip', ['-n', name, ...argv]);
    parts.push(`$ ip ${argv.join(' ')}\n${stdout}`);
  }
  parts.push(`$ cat resolv.conf\n${await readFile(`/etc/netns/${name}/resolv.conf`, 'utf8')}`);
  return parts.join('\n');
}

/** A realistic push: topology subnet, IPv6, routes, redirect-gateway def1 ipv6, DNS. */
export function labTunnelConfig(overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  const base = tunnelConfigFixture();
  return tunnelConfigFixture({
    topology: 'subnet',
    ifconfig: { local: '10.8.0.2', netmaskOrPeer: '255.255.255.0', topology: 'subnet' },
    ifconfigIpv6: { address: 'fd00:8::1000', prefixLength: 64 },
    routeGateway: '10.8.0.1',
    routes: [{ network: '10.20.0.0', netmask: '255.255.0.0' }, { network: '203.0.113.0', netmask: '255.255.255.0', gateway: 'net_gateway' }],
    routesIpv6: [{ network: 'fd00:99::', prefixLength: 48 }],
    redirectGateway: { flags: new Set(['def1', 'ipv6']) },
    dns: { ...base.dns, servers: ['10.8.0.53'], servers6: ['fd00:8::53'], domain: 'corp.example' },
    ...overrides,
  });
}
