import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { runIperf } from '../../e2e/lab/iperf';
import { startLab } from '../../e2e/lab/lab';
import type { Lab, LabOptions } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { run } from '../../e2e/lab/run';
import { PosternProcess } from './testing/postern-process';

// `postern connect` as a user runs it: the real command, as root, in the lab's client
// namespace, with a real TUN device, the OS's routes and the namespace's own
// /etc/resolv.conf (ip netns exec bind-mounts /etc/netns/NS/resolv.conf over it).

const ORIGINAL_RESOLV_CONF = '# the client namespace\'s own resolver\nnameserver 192.0.2.53\nsearch home.example\n';
const PUSHED_DOMAIN = 'corp.example';

interface CliLab {
  lab: Lab;
  profilePath: string;
  resolvConfPath: string;
  snapshot(): Promise<string>;
  start(args?: readonly string[]): PosternProcess;
}

async function startCliLab(t: TestContext, options: LabOptions): Promise<CliLab> {
  const lab = await startLab(options);
  const started: PosternProcess[] = [];
  const resolvDir = `/etc/netns/${lab.clientNs}`;
  t.after(async () => {
    for (const process of started) await process.stop('SIGKILL');
    await lab.stop();
    rmSync(resolvDir, { recursive: true, force: true });
  });
  mkdirSync(resolvDir, { recursive: true });
  const resolvConfPath = `${resolvDir}/resolv.conf`;
  writeFileSync(resolvConfPath, ORIGINAL_RESOLV_CONF);
  const profilePath = `${lab.dir}/client.ovpn`;
  writeFileSync(profilePath, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
  await settleAddresses(lab);
  return {
    lab, profilePath, resolvConfPath,
    snapshot: async () => {
      const parts: string[] = [];
      for (const argv of [['route'], ['-6', 'route'], ['addr'], ['rule']]) {
        parts.push(`$ ip ${argv.join(' ')}\n${(await run('ip', ['-n', lab.clientNs, ...argv])).stdout}`);
      }
      // Duplicate address detection ends on its own schedule; it is not configuration.
      return `${parts.join('').replaceAll(' tentative', '')}$ cat /etc/resolv.conf\n${readFileSync(resolvConfPath, 'utf8')}`;
    },
    start: (args = ['connect', profilePath, '--json']) => {
      const process = new PosternProcess(lab.clientNs, args);
      started.push(process);
      return process;
    },
  };
}

/** IPv6 duplicate address detection flips "tentative" off after a moment; snapshots must not see it happen. */
async function settleAddresses(lab: Lab): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const { stdout } = await run('ip', ['-n', lab.clientNs, '-6', 'addr']);
    if (!stdout.includes('tentative')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ping(lab: Lab, address: string): Promise<void> {
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', address], { timeoutMs: 10_000 });
  assert.equal(result.code, 0, `ping ${address} through the tunnel:\n${result.stdout}${result.stderr}`);
}

labTest('postern connect: real TUN, ping and iperf3 both ways over IPv4 and IPv6, DNS applied, everything restored on SIGTERM', { timeout: 90_000 }, async (t) => {
  const cli = await startCliLab(t, {
    proto: 'udp', ipv6: true,
    serverConfig: ['push "dhcp-option DNS 10.99.0.53"', `push "dhcp-option DOMAIN ${PUSHED_DOMAIN}"`],
  });
  const { lab } = cli;
  const before = await cli.snapshot();
  const postern = cli.start();
  const connected = await postern.waitForState('connected');
  const tunnel = await postern.waitForLine((line) => line['type'] === 'tunnel');
  assert.ok(connected['sessionId']);
  const applied = tunnel['tunnel'] as { ipv4?: string; ipv6?: string; device?: string };
  assert.match(applied.ipv4 ?? '', /^10\./, `an IPv4 address was assigned: ${JSON.stringify(tunnel)}`);
  assert.ok(applied.ipv6, 'an IPv6 address was assigned');

  await ping(lab, lab.tunnel.serverIp);
  await ping(lab, lab.tunnel.serverIp6);
  const resolvConf = readFileSync(cli.resolvConfPath, 'utf8');
  assert.match(resolvConf, /^nameserver 10\.99\.0\.53$/m, 'the pushed DNS server is in the namespace\'s resolv.conf');
  assert.match(resolvConf, new RegExp(`^search .*${PUSHED_DOMAIN.replace('.', '\\.')}`, 'm'));

  const upload = await runIperf(lab, { seconds: 2 });
  const download = await runIperf(lab, { seconds: 2, reverse: true });
  const upload6 = await runIperf(lab, { seconds: 2, ipv6: true });
  t.diagnostic(`iperf3 2 s: up ${mbit(upload.bitsPerSecond)}, down ${mbit(download.bitsPerSecond)}, up over IPv6 ${mbit(upload6.bitsPerSecond)} Mbit/s`);
  for (const figure of [upload, download, upload6]) assert.ok(figure.bitsPerSecond > 10e6, `more than 10 Mbit/s through the tunnel (${mbit(figure.bitsPerSecond)})`);
  const stats = postern.lines.filter((line) => line['type'] === 'stats').at(-1)?.['stats'] as { bytesIn: number; bytesOut: number } | undefined;
  assert.ok(stats && stats.bytesIn > 1e6 && stats.bytesOut > 1e6, `stats lines count the traffic: ${JSON.stringify(stats)}`);

  assert.equal(await postern.stop('SIGTERM'), 0, `exit 0 after SIGTERM; stderr: ${postern.stderr.join('')}`);
  assert.equal(await cli.snapshot(), before, 'routes, addresses, rules and resolv.conf are exactly as before');
  assert.deepEqual(postern.lines.filter((line) => line['type'] === 'state').map((line) => line['state']).slice(-2), ['disconnecting', 'disconnected']);
});

/** An address of the server that the client reaches only through its default gateway (like any real VPN server). */
const ROUTED_SERVER_IP = '198.18.0.1';

async function routeServerThroughGateway(cli: CliLab): Promise<void> {
  const { lab } = cli;
  await run('ip', ['-n', lab.serverNs, 'addr', 'add', `${ROUTED_SERVER_IP}/32`, 'dev', 'lo']);
  // The server's answers must come from the address the client sent to (its UDP socket is connected).
  const linkSubnet = `${lab.link.clientIp.split('.').slice(0, 3).join('.')}.0/24`;
  await run('ip', ['-n', lab.serverNs, 'route', 'change', linkSubnet, 'dev', lab.link.serverInterface, 'src', ROUTED_SERVER_IP]);
  await run('ip', ['-n', lab.clientNs, 'route', 'add', 'default', 'via', lab.link.serverIp]);
  writeFileSync(cli.profilePath, lab.clientProfile({ remote: 'link' }).replace(/^remote \S+/m, `remote ${ROUTED_SERVER_IP}`));
}

labTest('redirect-gateway def1: split default routes through the tunnel, the server kept on the original gateway, all undone', { timeout: 60_000 }, async (t) => {
  const cli = await startCliLab(t, { proto: 'udp', serverConfig: ['push "redirect-gateway def1"'] });
  const { lab } = cli;
  await routeServerThroughGateway(cli);
  const before = await cli.snapshot();
  const postern = cli.start();
  await postern.waitForState('connected');
  const routes = (await run('ip', ['-n', lab.clientNs, 'route'])).stdout;
  assert.match(routes, /^0\.0\.0\.0\/1 .*dev /m, routes);
  assert.match(routes, /^128\.0\.0\.0\/1 .*dev /m, routes);
  assert.match(routes, new RegExp(`^${ROUTED_SERVER_IP.replaceAll('.', '\\.')} via ${lab.link.serverIp.replaceAll('.', '\\.')} `, 'm'),
    `a host route keeps the server on the original gateway:\n${routes}`);
  assert.match(routes, /^default via /m, 'the original default route stays (def1 only overrides it)');
  await ping(lab, lab.tunnel.serverIp);
  assert.equal(await postern.stop('SIGINT'), 0);
  assert.equal(await cli.snapshot(), before);
});

labTest('SIGKILL leaves its undo journal; the next postern start takes the routes and DNS back first', { timeout: 60_000 }, async (t) => {
  const cli = await startCliLab(t, { proto: 'udp', serverConfig: ['push "redirect-gateway def1"', 'push "dhcp-option DNS 10.99.0.53"'] });
  await routeServerThroughGateway(cli);
  const before = await cli.snapshot();
  const killed = cli.start();
  await killed.waitForState('connected');
  await killed.stop('SIGKILL');
  const leftBehind = await cli.snapshot();
  assert.notEqual(leftBehind, before, 'a killed process cannot clean up (the host route and resolv.conf stay)');
  assert.match(readFileSync(cli.resolvConfPath, 'utf8'), /10\.99\.0\.53/);

  const next = cli.start();
  const recovered = await next.waitForLine((line) => line['type'] === 'log' && /undid what an earlier run left behind/.test(String((line['line'] as { message?: string }).message)));
  assert.ok(recovered);
  await next.waitForState('connected');
  assert.equal(await next.stop('SIGTERM'), 0);
  assert.equal(await cli.snapshot(), before, 'after the next run, nothing of the killed one remains');
});

labTest('a broken profile is refused with its line number; connecting to nothing ends with a plain error, exit 1', { timeout: 60_000 }, async (t) => {
  const cli = await startCliLab(t, { proto: 'udp' });
  const broken = `${cli.lab.dir}/broken.ovpn`;
  writeFileSync(broken, 'client\ndev tun\nremote\n');
  const refused = cli.start(['connect', broken, '--json']);
  assert.equal(await refused.exited, 2);
  const error = await refused.waitForLine((line) => line['type'] === 'error');
  assert.equal(error['code'], 'profile.invalid');
  assert.match(String(error['message']), /broken\.ovpn:3:/);

  // 192.0.2.99 has no route at all in the client namespace.
  const unreachable = `${cli.lab.dir}/unreachable.ovpn`;
  writeFileSync(unreachable, cli.lab.clientProfile({ remote: 'link', extra: ['connect-retry-max 1', 'server-poll-timeout 2'] }).replace(/^remote .*$/m, 'remote 192.0.2.99 1194 udp'));
  const failed = cli.start(['connect', unreachable, '--json']);
  assert.equal(await failed.exited, 1);
  const last = await failed.waitForLine((line) => line['type'] === 'error');
  assert.match(String(last['message']), /192\.0\.2\.99/);
});

function mbit(bitsPerSecond: number): string {
  return (bitsPerSecond / 1e6).toFixed(0);
}

/** The MSS a TCP connection from the client namespace to the server gets (iperf3's view, timestamps taken off). */
async function tunnelTcpMss(lab: Lab): Promise<number> {
  const server = lab.spawnIn(lab.serverNs, ['iperf3', '-s', '-1', '--forceflush', '-B', lab.tunnel.serverIp]);
  try {
    await new Promise<void>((resolve) => server.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Server listening')) resolve(); }));
    const run = await lab.exec(lab.clientNs, ['iperf3', '-c', lab.tunnel.serverIp, '-t', '1', '-J'], { timeoutMs: 15_000 });
    return (JSON.parse(run.stdout) as { start: { tcp_mss_default: number } }).start.tcp_mss_default;
  } finally {
    server.kill('SIGKILL');
  }
}

labTest('mssfix: with the server\'s clamping off, TCP through Postern gets the MSS openvpn 2.6 gives it; mssfix 0 turns it off', { timeout: 60_000 }, async (t) => {
  const cli = await startCliLab(t, { proto: 'udp', serverConfig: ['mssfix 0'] });
  const { lab } = cli;
  const measure = async (start: () => { stop(): Promise<unknown> }, ready: () => Promise<unknown>): Promise<number> => {
    const client = start();
    await ready();
    try {
      return await tunnelTcpMss(lab);
    } finally {
      await client.stop();
    }
  };
  let postern = cli.start();
  const ours = await measure(() => postern, () => postern.waitForState('connected'));
  const reference = lab.startOpenvpnClient({ profile: readFileSync(cli.profilePath, 'utf8') });
  const theirs = await measure(() => reference, () => reference.waitConnected(20_000));
  t.diagnostic(`TCP MSS through the tunnel: Postern ${ours}, openvpn ${theirs} (AES-256-GCM, mssfix 1492 mtu)`);
  assert.equal(ours, theirs, 'the same clamping as the C client');
  assert.ok(ours <= 1400, `an MSS that fits one outer packet: ${ours}`);

  writeFileSync(cli.profilePath, `${readFileSync(cli.profilePath, 'utf8')}mssfix 0\n`);
  postern = cli.start();
  const unclamped = await measure(() => postern, () => postern.waitForState('connected'));
  assert.ok(unclamped > 1400, `mssfix 0 leaves the MSS alone: ${unclamped}`);
});
