import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { bridgePool, startLab } from '../../e2e/lab/lab';
import type { Lab, LabOptions } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../../e2e/lab/lab-users';
import type { LabUser } from '../../e2e/lab/lab-users';
import { labTest } from '../../e2e/lab/lab-test';
import { PosternProcess } from './testing/postern-process';

// dev tap as a user meets it: the helper as root in the lab's client namespace, `postern
// connect` as a member of its group, against a real OpenVPN server whose tap is a port of a
// Linux bridge (server-bridge). The bridge's own address is the host on that Ethernet
// segment: the client pings it, and the kernel resolves it by ARP over our TAP device.

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** An address behind the bridge's host, reached through the pushed route-gateway. */
const ROUTED_ADDRESS = '198.51.100.7';
/** IFF_TAP | IFF_NO_PI, as /sys/class/net/DEV/tun_flags shows them (IFF_TUN | IFF_NO_PI is 0x1001). */
const TAP_NO_PI_FLAGS = '0x1002';

interface TapLab {
  lab: Lab;
  member: LabUser;
  /** `postern ARGS` as the group member, through the helper. */
  postern(args: readonly string[]): PosternProcess;
  /** A profile of the lab's server the member can read (with `device` instead of the lab's own). */
  profile(name: string, device?: 'tun' | 'tap'): string;
}

async function startTapLab(t: TestContext, options: LabOptions): Promise<TapLab> {
  const { member } = labUsers();
  assertCheckoutReadable(member, REPO);
  const lab = await startLab({ proto: 'udp', ...options });
  const socketDir = userFolder({ name: 'root', uid: 0, gid: 0 }, 'postern-tap-sock-');
  const stateDir = userFolder({ name: 'root', uid: 0, gid: 0 }, 'postern-tap-state-');
  const profileDir = userFolder(member, 'postern-tap-profile-');
  const processes: PosternProcess[] = [];
  t.after(async () => {
    for (const process of processes.reverse()) await process.stop('SIGKILL');
    await lab.exec(lab.clientNs, ['nft', 'delete', 'table', 'inet', 'postern']).catch(() => undefined);
    await lab.stop();
    for (const dir of [socketDir, stateDir, profileDir]) rmSync(dir, { recursive: true, force: true });
  });
  // The kill switch's settings in a folder of the test's own, never the machine's.
  const env = { POSTERN_SOCKET: join(socketDir, 'postern.sock'), POSTERN_KILLSWITCH_SETTINGS: join(stateDir, 'killswitch.json') };
  const postern = (args: readonly string[], user?: LabUser): PosternProcess => {
    const started = new PosternProcess(lab.clientNs, args, env, user && ((argv) => asUser(user, argv, env)));
    processes.push(started);
    return started;
  };
  const helper = postern(['helper', '--group', LAB_GROUP]);
  await waitUntil(() => existsSync(env.POSTERN_SOCKET) && helper.stderr.join('').includes('listening on'), 15_000, () => helper.stderr.join(''));
  return {
    lab, member,
    postern: (args) => postern(args, member),
    profile: (name, device) => {
      const path = join(profileDir, `${name}.ovpn`);
      writeFileSync(path, lab.clientProfile({ remote: 'link', ...(device ? { device } : {}) }), { mode: 0o644 });
      return path;
    },
  };
}

async function ok(process: PosternProcess): Promise<Record<string, unknown>[]> {
  assert.equal(await process.exited, 0, `${process.stderr.join('')}${JSON.stringify(process.lines)}`);
  return process.lines;
}

async function ping(lab: Lab, address: string): Promise<void> {
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', address], { timeoutMs: 10_000 });
  assert.equal(result.code, 0, `ping ${address} through the tap device:\n${result.stdout}${result.stderr}`);
}

interface LinkView { address: string; mtu: number; linkinfo?: { info_kind?: string; info_data?: { type?: string } } }

async function linkOf(lab: Lab, ns: string, device: string): Promise<LinkView> {
  const shown = await lab.exec(ns, ['ip', '-d', '-j', 'link', 'show', 'dev', device]);
  assert.equal(shown.code, 0, shown.stderr);
  const [link] = JSON.parse(shown.stdout) as LinkView[];
  assert.ok(link, `no link ${device} in ${ns}`);
  return link;
}

/** The tunnel event's device name and IPv4 address, from `postern connect --json`. */
function appliedTunnel(lines: Record<string, unknown>[]): { tunName: string; ipv4?: string; mtuBytes: number } {
  const event = lines.find((line) => line['type'] === 'tunnel');
  assert.ok(event, `a tunnel event: ${JSON.stringify(lines)}`);
  return event['tunnel'] as { tunName: string; ipv4?: string; mtuBytes: number };
}

labTest('dev tap against server-bridge: a member connects through the helper, pings across the bridge with ARP resolved, routes via route-gateway, kill switch on', { timeout: 120_000 }, async (t) => {
  // The server's own mssfix off: the MSS the far end sees is then ours alone.
  const shared = await startTapLab(t, { device: 'tap-bridge', serverConfig: [`push "route ${ROUTED_ADDRESS} 255.255.255.255"`, 'mssfix 0'] });
  const { lab } = shared;
  await lab.exec(lab.serverNs, ['ip', 'addr', 'add', `${ROUTED_ADDRESS}/32`, 'dev', 'lo']);
  // Kill switch on before the tunnel: the TAP device must be let through, frames and all.
  const killSwitch = await ok(shared.postern(['killswitch', 'always', '--json']));
  assert.equal(killSwitch[0]?.['blocking'], true);

  const connect = shared.postern(['connect', shared.profile('bridge'), '--json']);
  const tunnel = appliedTunnel(await ok(connect));
  const { start, end } = bridgePool(lab);
  const [poolPrefix] = [start.split('.').slice(0, 3).join('.')];
  assert.ok(tunnel.ipv4?.startsWith(`${poolPrefix}.`), `an address from server-bridge's pool ${start}-${end}: ${JSON.stringify(tunnel)}`);
  const host = Number(tunnel.ipv4?.split('.')[3]);
  assert.ok(host >= 100 && host <= 199, `in the pool: ${tunnel.ipv4}`);

  // The link is a TAP device (IFF_TAP | IFF_NO_PI) with the pushed address and netmask, MTU 1500.
  const flags = await lab.exec(lab.clientNs, ['cat', `/sys/class/net/${tunnel.tunName}/tun_flags`]);
  assert.equal(flags.stdout.trim(), TAP_NO_PI_FLAGS, `tun_flags of ${tunnel.tunName}`);
  const link = await linkOf(lab, lab.clientNs, tunnel.tunName);
  assert.equal(link.linkinfo?.info_kind, 'tun');
  assert.equal(link.linkinfo?.info_data?.type, 'tap', JSON.stringify(link.linkinfo));
  // tun-mtu (1500) is the device's MTU, as 2.x sets it; tun-mtu-extra only sizes buffers and mssfix.
  assert.equal(tunnel.mtuBytes, 1500);
  assert.equal(link.mtu, 1500);
  // The kill switch names the TAP device as the tunnel (ARP is no inet-family traffic: nftables' inet table never sees it).
  const ruleset = (await lab.exec(lab.clientNs, ['nft', 'list', 'table', 'inet', 'postern'])).stdout;
  assert.match(ruleset, new RegExp(`oifname "${tunnel.tunName}" .*accept`), ruleset);
  assert.match(ruleset, new RegExp(`iifname "${tunnel.tunName}" accept`), ruleset);
  const addresses = await lab.exec(lab.clientNs, ['ip', '-4', '-o', 'addr', 'show', 'dev', tunnel.tunName]);
  assert.match(addresses.stdout, new RegExp(`inet ${tunnel.ipv4?.replaceAll('.', '\\.')}/24 `), addresses.stdout);

  // Across the bridge: the bridge's own address answers, resolved by ARP over the TAP device.
  await lab.exec(lab.clientNs, ['ip', 'neigh', 'flush', 'dev', tunnel.tunName]);
  await ping(lab, lab.tunnel.serverIp);
  const neighbour = await lab.exec(lab.clientNs, ['ip', 'neigh', 'show', lab.tunnel.serverIp, 'dev', tunnel.tunName]);
  const bridgeMac = (await linkOf(lab, lab.serverNs, `${lab.id}b`)).address;
  assert.match(neighbour.stdout, new RegExp(`lladdr ${bridgeMac} (REACHABLE|STALE|DELAY|PROBE)`), `the bridge's MAC learnt by ARP: ${neighbour.stdout}`);
  t.diagnostic(`neighbour on ${tunnel.tunName}: ${neighbour.stdout.trim()}`);
  // And the other way: the server side learnt our TAP device's MAC on the bridge.
  const ours = (await linkOf(lab, lab.clientNs, tunnel.tunName)).address;
  const theirs = await lab.exec(lab.serverNs, ['ip', 'neigh', 'show', tunnel.ipv4 ?? '']);
  assert.match(theirs.stdout, new RegExp(`lladdr ${ours}`), `the bridge host learnt our MAC: ${theirs.stdout}`);

  // A pushed route goes via route-gateway (the bridge's address), on the TAP device.
  const route = await lab.exec(lab.clientNs, ['ip', 'route', 'show', `${ROUTED_ADDRESS}/32`]);
  assert.match(route.stdout, new RegExp(`via ${lab.tunnel.serverIp.replaceAll('.', '\\.')} dev ${tunnel.tunName}`), route.stdout);
  await ping(lab, ROUTED_ADDRESS);

  // TCP across: the SYN the server sees, and the SYN-ACK we receive, carry the MSS clamped inside the Ethernet frame.
  const listener = lab.spawnIn(lab.serverNs, ['python3', '-c', TCP_MSS_LISTENER, lab.tunnel.serverIp]);
  const said = collect(listener);
  await waitUntil(() => said().includes('listening'), 10_000, said);
  const dialled = await lab.exec(lab.clientNs, ['python3', '-c', TCP_DIAL, lab.tunnel.serverIp], { timeoutMs: 10_000 });
  assert.equal(dialled.code, 0, dialled.stderr);
  await waitUntil(() => /mss \d+/.test(said()), 10_000, said);
  const serverMss = Number(/mss (\d+)/.exec(said())?.[1]);
  const clientMss = Number(/mss (\d+)/.exec(dialled.stdout)?.[1]);
  // mssfix 1492 (2.6's default) with AES-256-GCM, peer-id and UDP over IPv4 leaves 1440 bytes of
  // payload; less 2.x's 32 for a tap frame and 40 of IP and TCP: 1368. Unclamped, the TAP device's
  // MTU allows 1460. TCP_MAXSEG is that less the TCP options in use (timestamps: 12).
  t.diagnostic(`TCP_MAXSEG across the bridge: server side ${serverMss}, client side ${clientMss}`);
  for (const mss of [serverMss, clientMss]) assert.ok(mss === 1368 || mss === 1368 - 12, `the MSS clamped to 1368 both ways: ${serverMss} / ${clientMss}`);

  const status = (await ok(shared.postern(['status', '--json'])))[0]?.['session'] as { state?: string } | undefined;
  assert.equal(status?.state, 'connected');
  await ok(shared.postern(['disconnect']));
  const gone = await lab.exec(lab.clientNs, ['ip', 'link', 'show', 'dev', tunnel.tunName]);
  assert.notEqual(gone.code, 0, 'the TAP device goes with the tunnel');
  await ok(shared.postern(['killswitch', 'off']));
});

labTest('dev tap against routed TAP (server NET MASK, server-ipv6): IPv4 by ARP and IPv6 by neighbour discovery under the kill switch; a dev tun profile is refused with keys.device_type_mismatch', { timeout: 90_000 }, async (t) => {
  // verb 7: 2.6 compares the options strings (OCC) only at that level (ovpn:options_string.c D_SHOW_OCC).
  const shared = await startTapLab(t, { device: 'tap', ipv6: true, serverConfig: ['verb 7'] });
  const { lab } = shared;
  await ok(shared.postern(['killswitch', 'always', '--json']));
  const tunnel = appliedTunnel(await ok(shared.postern(['connect', shared.profile('routed'), '--json'])));
  assert.match(tunnel.tunName, /^tap/);
  await ping(lab, lab.tunnel.serverIp);
  await ping(lab, lab.tunnel.serverIp6);
  const serverTap = (await linkOf(lab, lab.serverNs, lab.tunnel.device)).address;
  for (const address of [lab.tunnel.serverIp, lab.tunnel.serverIp6]) {
    const neighbour = await lab.exec(lab.clientNs, ['ip', 'neigh', 'show', address, 'dev', tunnel.tunName]);
    assert.match(neighbour.stdout, new RegExp(`lladdr ${serverTap} (REACHABLE|STALE|DELAY|PROBE)`), `${address}: ${neighbour.stdout}`);
    t.diagnostic(`neighbour on ${tunnel.tunName}: ${neighbour.stdout.trim()}`);
  }
  await ok(shared.postern(['disconnect']));
  await ok(shared.postern(['killswitch', 'off']));
  // Our options string (dev-type tap, link-mtu with the tap's 32 extra bytes) is the server's own.
  const occ = (): string[] => lab.serverLog().split('\n').filter((line) => line.includes('used inconsistently'));
  assert.deepEqual(occ(), []);

  const wrong = shared.postern(['connect', shared.profile('tun-against-tap', 'tun'), '--json']);
  const code = await wrong.exited;
  assert.notEqual(code, 0);
  const said = JSON.stringify(wrong.lines) + wrong.stderr.join('');
  assert.match(said, /keys\.device_type_mismatch/, said);
  t.diagnostic(`tun profile against the tap server: ${wrong.lines.filter((line) => line['error']).map((line) => JSON.stringify(line['error'])).join(' ')}`);
  // The server itself only warns, and goes on (with IP packets where it expects frames).
  assert.match(occ().join('\n'), /'dev-type' is used inconsistently, local='dev-type tap', remote='dev-type tun'/);
});

labTest('dev tap against a bare server-bridge (no address pushed, DHCP expected): the connection ends with control.tap_no_ifconfig, not a hang', { timeout: 60_000 }, async (t) => {
  const shared = await startTapLab(t, { device: 'tap-bridge-dhcp' });
  const started = Date.now();
  const connect = shared.postern(['connect', shared.profile('dhcp'), '--json']);
  const code = await connect.exited;
  assert.notEqual(code, 0);
  const said = JSON.stringify(connect.lines) + connect.stderr.join('');
  assert.match(said, /control\.tap_no_ifconfig/, said);
  assert.match(said, /route-gateway dhcp/, 'the message names what the server pushed instead');
  t.diagnostic(`ended after ${Date.now() - started} ms`);
});

/** Accepts one connection on ADDRESS:5001 and prints the MSS the peer's SYN announced (TCP_MAXSEG after accept is the negotiated one). */
const TCP_MSS_LISTENER = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); print('listening', flush=True)
c, _ = s.accept(); print('mss', c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True); c.close()
`;
const TCP_DIAL = `
import socket, sys
c = socket.create_connection((sys.argv[1], 5001), timeout=5); print('mss', c.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True); c.close()
`;

function collect(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  child.stderr?.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  return () => text;
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
