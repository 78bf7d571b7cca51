import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, assertCheckoutReadable, labUsers, userFolder } from '../../e2e/lab/lab-users';
import { runProbes } from '../firewall/firewall-lab-probe';
import { loadNftScript, nftCounter } from '../../e2e/lab/nft-count';
import { labToolSkipReason } from '../../e2e/lab/prerequisites';
import { startSocksProxy } from '../../e2e/lab/socks-proxy';
import { PosternProcess } from './testing/postern-process';

// `postern connect` (as root, in the client namespace, as connect-command.lab.test.ts runs it)
// with a profile whose socks-proxy line names an authfile beside it, through a real dante with
// username sign-in. The remote is the server's host-link address, which the client namespace
// has no route to: only dante, in the server namespace, reaches it.
const skip = labToolSkipReason('danted', 'dante-server');
const REPO = fileURLToPath(new URL('../..', import.meta.url));

test('postern connect over UDP through dante with socks-proxy HOST PORT authfile: pings through the tunnel', { skip, timeout: 120_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp' });
  t.after(() => lab.stop());
  const proxy = await startSocksProxy(lab, { auth: 'username', clientSide: 'clientNs' });
  t.after(() => proxy.stop());
  assert.ok(proxy.user);
  writeFileSync(join(lab.dir, 'socks.txt'), `${proxy.user.name}\n${proxy.user.password}\n`, { mode: 0o600 });
  const profilePath = join(lab.dir, 'client.ovpn');
  writeFileSync(profilePath, lab.clientProfile({ remote: 'hostLink', extra: [`socks-proxy ${proxy.host} ${proxy.port} socks.txt`] }), { mode: 0o600 });
  const postern = new PosternProcess(lab.clientNs, ['connect', profilePath, '--json']);
  t.after(() => postern.stop('SIGKILL'));
  await postern.waitForState('connected', 60_000).catch((error: unknown) => {
    throw new Error(`not connected: ${postern.stderr.join('')}\n${JSON.stringify(postern.lines.slice(-8))}`, { cause: error });
  });
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 15_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  await lab.waitForLog(new RegExp(`Peer Connection Initiated with \\[AF_INET6?\\](::ffff:)?${proxy.external.replaceAll('.', '\\.')}:\\d+`), 10_000);
  await proxy.waitForLog(/udpassociate/);
  const everything = postern.stderr.join('') + JSON.stringify(postern.lines);
  assert.ok(!everything.includes(proxy.user.password), 'the proxy password is in none of the CLI\'s output');
  assert.equal(await postern.stop('SIGTERM'), 0);
});

// The kill switch with a SOCKS5 UDP profile, as a member meets it through the root helper: the
// relay's port is known only once dante answers, so the helper opens it then (and only it), and
// with redirect-gateway the proxy keeps the original path, not the tunnel. Counted in the
// server's namespace: nothing from the client's link but the proxy's own traffic.
test('kill switch on: a member connects over SOCKS5 UDP through the helper; the relay is let through, nothing else leaves', { skip, timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  assertCheckoutReadable(member, REPO);
  const lab = await startLab({ proto: 'udp', serverConfig: ['push "redirect-gateway def1"'] });
  t.after(() => lab.stop());
  const proxy = await startSocksProxy(lab, { auth: 'none', clientSide: 'clientNs' });
  t.after(() => proxy.stop());
  const socketDir = userFolder({ name: 'root', uid: 0, gid: 0 }, 'postern-socks-sock-');
  const profileDir = userFolder(member, 'postern-socks-profile-');
  t.after(() => { for (const dir of [socketDir, profileDir]) rmSync(dir, { recursive: true, force: true }); });
  t.after(async () => { await lab.exec(lab.clientNs, ['nft', 'delete', 'table', 'inet', 'postern']).catch(() => undefined); });
  const env = { POSTERN_SOCKET: join(socketDir, 'postern.sock'), POSTERN_KILLSWITCH_SETTINGS: join(socketDir, 'killswitch.json') };
  const processes: PosternProcess[] = [];
  t.after(async () => { for (const started of processes.reverse()) await started.stop('SIGKILL'); });
  const postern = (args: readonly string[], asMember = true): PosternProcess => {
    const started = new PosternProcess(lab.clientNs, args, env, asMember ? (argv) => asUser(member, argv, env) : undefined);
    processes.push(started);
    return started;
  };
  const helper = postern(['helper', '--group', LAB_GROUP], false);
  await waitFor(() => existsSync(env.POSTERN_SOCKET) && helper.stderr.join('').includes('listening on'), () => helper.stderr.join(''));
  const profilePath = join(profileDir, 'socks.ovpn');
  writeFileSync(profilePath, lab.clientProfile({ remote: 'hostLink', extra: [`socks-proxy ${proxy.host} ${proxy.port}`] }), { mode: 0o644 });
  assert.equal(await postern(['killswitch', 'always']).exited, 0);
  await countAroundTheProxy(lab, proxy.host);

  const connect = postern(['connect', profilePath, '--json']);
  await connect.waitForState('connected', 60_000).catch((error: unknown) => {
    throw new Error(`not connected: ${connect.stderr.join('')}\n${helper.stderr.join('').slice(-2000)}`, { cause: error });
  });
  const ping = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', lab.tunnel.serverIp], { timeoutMs: 15_000 });
  assert.equal(ping.code, 0, ping.stdout + ping.stderr);
  await proxy.waitForLog(/udpassociate/);
  // The proxy (and its relay) keep the original path under redirect-gateway; the server's address is not special.
  const route = await lab.exec(lab.clientNs, ['ip', 'route', 'get', proxy.host]);
  assert.match(route.stdout, new RegExp(`dev ${lab.link.clientInterface}\\b`), route.stdout);
  const outcomes = await runProbes(lab.clientNs, [
    { kind: 'tcp', host: proxy.host, port: 22 }, { kind: 'udp', host: proxy.host, port: 53 }, { kind: 'ping', host: proxy.host },
  ], member.uid);
  for (const outcome of outcomes) assert.ok(!['reply', 'connected'].includes(outcome), `a probe got around the tunnel: ${JSON.stringify(outcomes)}`);
  assert.equal(await serverCount(lab, 'other'), 0, 'only the proxy\'s own ports were reached outside the tunnel');
  assert.ok(await serverCount(lab, 'proxy') > 0, 'the proxy\'s traffic was counted');
  assert.equal(await connect.stop('SIGTERM'), 0);
  assert.equal(await postern(['killswitch', 'off']).exited, 0);
});

async function waitFor(check: () => boolean, detail: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * In the server's namespace, what arrives from the client's link: to dante (its TCP port and
 * the UDP relay's ephemeral ports on its address) counts as `proxy`, anything else as `other`
 * (IPv6 neighbour discovery and ARP aside). The member's probes to the proxy's other ports land in `other`.
 */
async function countAroundTheProxy(lab: Lab, proxyAddress: string): Promise<void> {
  const script = `table inet pstsocks {
  counter proxy {}
  counter other {}
  chain pre {
    type filter hook prerouting priority -300; policy accept;
    iifname != "${lab.link.serverInterface}" accept
    ip daddr ${proxyAddress} tcp dport 1080 counter name "proxy" accept
    ip daddr ${proxyAddress} udp dport 1024-65535 counter name "proxy" accept
    icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report, mld-listener-done } accept
    counter name "other" accept
  }
}
`;
  await loadNftScript(lab, lab.serverNs, script);
}

function serverCount(lab: Lab, name: string): Promise<number> {
  return nftCounter(lab, lab.serverNs, 'pstsocks', name);
}
