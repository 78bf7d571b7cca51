import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, type TestContext } from 'node:test';
import fc from 'fast-check';
import { registerLab, unregisterLab } from '../../e2e/lab/cleanup';
import { newLabId } from '../../e2e/lab/lab-names';
import { labTest } from '../../e2e/lab/lab-test';
import { runOk } from '../../e2e/lab/run';
import type { FirewallCounters } from './firewall';
import { firewallInputArbitrary } from './firewall-arbitrary';
import { createFirewallLab, OTHER_PORT, PEER_COUNTERS, SERVER_PORT, type FirewallLab, type PeerCounter } from './firewall-lab-fixture';
import type { Probe } from './firewall-lab-probe';
import type { FirewallInput } from './firewall-types';

const NOBODY = 65_534;

/** A lab of its own for each test, removed afterwards, also on failure and at process exit. */
async function setUp(t: TestContext): Promise<FirewallLab> {
  const id = newLabId();
  registerLab(id, { namespaces: [`${id}-c`, `${id}-s`], rootInterfaces: [] });
  const made: { lab?: FirewallLab } = {}; // a failed build removes what it made itself
  t.after(async () => {
    await made.lab?.remove();
    unregisterLab(id);
  });
  made.lab = await createFirewallLab(id);
  return made.lab;
}

function input(lab: FirewallLab, overrides: Partial<FirewallInput>): FirewallInput {
  return {
    mode: 'auto', state: 'connecting',
    servers: [{ address: lab.underlay.server, family: 4, proto: 'udp', port: SERVER_PORT }],
    tunnelDns: [lab.tunnelPeer], tunnelCarriesDefault: { ipv4: true, ipv6: false },
    allowLan: false, dnsLeakProtection: true,
    ...overrides,
  };
}

async function apply(lab: FirewallLab, value: FirewallInput): Promise<void> {
  const result = await lab.firewall.apply(value);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
}

/**
 * Runs the probes and returns what each met, what reached the server namespace and what
 * our counters counted meanwhile (deltas), and logs the counts for the report.
 */
async function measure(t: TestContext, lab: FirewallLab, probes: readonly Probe[], uid?: number): Promise<{
  outcomes: string[]; peer: Record<PeerCounter, number>; ours: Record<keyof FirewallCounters, number>;
}> {
  const [peerBefore, oursBefore] = [await lab.peer(), await counters(lab)];
  const outcomes = await lab.probe(probes, uid);
  const [peerAfter, oursAfter] = [await lab.peer(), await counters(lab)];
  const peer = Object.fromEntries(PEER_COUNTERS.map((k) => [k, peerAfter[k] - peerBefore[k]])) as Record<PeerCounter, number>;
  const ours = Object.fromEntries(Object.keys(oursAfter).map((k) => [k, (oursAfter[k as keyof FirewallCounters] ?? 0) - (oursBefore[k as keyof FirewallCounters] ?? 0)])) as Record<keyof FirewallCounters, number>;
  const nonZero = (record: Record<string, number>): string => Object.entries(record).filter(([, v]) => v !== 0).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  t.diagnostic(`${uid === undefined ? 'root' : `uid ${uid}`}: outcomes ${outcomes.join(' | ')}; peer saw ${nonZero(peer)}; our counters ${nonZero(ours)}`);
  return { outcomes, peer, ours };
}

async function counters(lab: FirewallLab): Promise<Record<keyof FirewallCounters, number>> {
  const result = await lab.firewall.counters();
  assert.ok(result.ok);
  return Object.fromEntries(Object.entries(result.value).map(([k, v]) => [k, v.packets])) as Record<keyof FirewallCounters, number>;
}

/** Only the named peer counters moved, by exactly these amounts. */
function assertPeer(peer: Record<PeerCounter, number>, expected: Partial<Record<PeerCounter, number>>): void {
  assert.deepEqual(peer, { ...Object.fromEntries(PEER_COUNTERS.map((k) => [k, 0])), ...expected });
}

const BLOCKED = /Operation not permitted|EPERM|ECONNREFUSED|EACCES|EHOSTUNREACH|unreachable/i;

// Each test builds its own namespaces, so they run side by side (the file stays well under 30 s on a
// quiet machine; each test may take 20 s on a loaded 2-core one, hence the 60 s limits).
describe('firewall lab', { concurrency: 4 }, () => {
  labTest('auto while connecting: outside traffic is refused, the server endpoint passes for root only', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    await apply(lab, input(lab, { state: 'connecting' }));
    const outside: Probe[] = [
      { kind: 'ping', host: lab.underlay.server },
      { kind: 'tcp', host: lab.underlay.server, port: OTHER_PORT },
      { kind: 'udp', host: lab.underlay.server, port: OTHER_PORT },
      { kind: 'ping', host: lab.lan.host },
      { kind: 'tcp', host: lab.lan.host, port: OTHER_PORT },
      { kind: 'ping', host: lab.internet },
      { kind: 'ping', host: lab.underlay.server6 },
    ];
    const root = await measure(t, lab, [...outside, { kind: 'udp', host: lab.underlay.server, port: SERVER_PORT }]);
    assert.equal(root.outcomes.at(-1), 'sent');
    for (const outcome of root.outcomes.slice(0, -1)) assert.match(outcome, BLOCKED);
    assertPeer(root.peer, { server_udp: 1 });
    assert.equal(root.ours.server_out, 1);
    assert.ok(root.ours.blocked_out >= outside.length, String(root.ours.blocked_out));
    const nobody = await measure(t, lab, [{ kind: 'udp', host: lab.underlay.server, port: SERVER_PORT }], NOBODY);
    assert.match(nobody.outcomes[0] ?? '', BLOCKED);
    assertPeer(nobody.peer, {});
    assert.ok(nobody.ours.blocked_out >= 1);
  });

  labTest('auto while connected: through the tunnel passes, outside does not, DNS only to the tunnel server', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    await lab.route('tunnel');
    await apply(lab, input(lab, { state: 'connected', tunnelInterface: lab.tunnel }));
    const result = await measure(t, lab, [
      { kind: 'ping', host: lab.internet }, // default route: the tunnel
      { kind: 'tcp', host: lab.internet, port: OTHER_PORT }, // refused by the peer itself: it got there
      { kind: 'udp', host: lab.tunnelPeer, port: 53 }, // the tunnel's DNS server
      { kind: 'udp', host: lab.underlay.server, port: SERVER_PORT }, // the helper's own packets still pass
      { kind: 'ping', host: lab.underlay.server }, // outside the tunnel
      { kind: 'ping', host: lab.lan.host },
      { kind: 'udp', host: lab.internet, port: 53 }, // DNS through the tunnel, to a server that is not the tunnel's
      { kind: 'udp', host: lab.underlay.server, port: 53 }, // DNS outside the tunnel
      { kind: 'ping', host: lab.underlay.server6 }, // IPv6: the tunnel has none
    ]);
    assert.deepEqual(result.outcomes.slice(0, 4), ['reply', 'ECONNREFUSED', 'sent', 'sent']);
    for (const outcome of [result.outcomes[4], result.outcomes[5], result.outcomes[8]]) assert.match(outcome ?? '', BLOCKED);
    assertPeer(result.peer, { internet_via_tunnel: 2, tunnel_dns: 1, server_udp: 1 });
    assert.equal(result.ours.dns_leak, 2);
    assert.equal(result.ours.tunnel_out, 2); // ping and SYN; the DNS query passed the DNS guard's own rule
    assert.ok(result.ours.blocked_out >= 3);
  });

  labTest('kill switch off: the DNS guard and the IPv6 guard alone', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    await lab.route('tunnel');
    await apply(lab, input(lab, { mode: 'off', state: 'connected', tunnelInterface: lab.tunnel }));
    const result = await measure(t, lab, [
      { kind: 'ping', host: lab.underlay.server }, // IPv4 outside the tunnel: allowed without the kill switch
      { kind: 'udp', host: lab.underlay.server, port: OTHER_PORT },
      { kind: 'udp', host: lab.underlay.server, port: 53 }, // DNS outside the tunnel
      { kind: 'udp', host: lab.tunnelPeer, port: 53 },
      { kind: 'ping', host: lab.underlay.server6 }, // IPv6 while the tunnel carries only IPv4
      { kind: 'tcp', host: lab.underlay.server6, port: OTHER_PORT },
    ]);
    assert.deepEqual(result.outcomes.slice(0, 2), ['reply', 'sent']);
    assert.equal(result.outcomes[3], 'sent');
    for (const outcome of [result.outcomes[4], result.outcomes[5]]) assert.match(outcome ?? '', BLOCKED);
    assertPeer(result.peer, { underlay_icmp: 1, underlay_other_udp: 1, tunnel_dns: 1 });
    assert.equal(result.ours.dns_leak, 1);
    assert.equal(result.ours.ipv6_leak, 2);
    assert.equal(result.ours.blocked_out, 0);
    // The tunnel also carries IPv6 now: the IPv6 guard is gone, the DNS guard stays.
    await apply(lab, input(lab, { mode: 'off', state: 'connected', tunnelInterface: lab.tunnel, tunnelCarriesDefault: { ipv4: true, ipv6: true } }));
    const both = await measure(t, lab, [{ kind: 'ping', host: lab.underlay.server6 }, { kind: 'udp', host: lab.underlay.server, port: 53 }]);
    assert.equal(both.outcomes[0], 'reply');
    assertPeer(both.peer, { underlay_icmp6: 1 });
  });

  labTest('always with no tunnel: only loopback, the servers and the link services (DHCP, NDP) remain', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    await apply(lab, input(lab, { mode: 'always', state: 'no_tunnel' }));
    const result = await measure(t, lab, [
      { kind: 'ping', host: '127.0.0.1' },
      { kind: 'udp', host: lab.underlay.server, port: SERVER_PORT },
      { kind: 'ping', host: lab.underlay.server },
      { kind: 'tcp', host: lab.underlay.server, port: OTHER_PORT },
      { kind: 'ping', host: lab.lan.host },
      { kind: 'ping', host: lab.lan.host6 },
      { kind: 'ping', host: lab.internet },
    ]);
    assert.deepEqual(result.outcomes.slice(0, 2), ['reply', 'sent']);
    for (const outcome of result.outcomes.slice(2)) assert.match(outcome, BLOCKED);
    assertPeer(result.peer, { server_udp: 1 });
    const ruleset = await lab.ruleset();
    for (const line of [
      'meta nfproto ipv4 udp sport 68 udp dport 67 accept', 'meta nfproto ipv4 udp sport 67 udp dport 68 accept',
      'udp sport 546 udp dport 547', 'udp sport 547 udp dport 546 accept',
      'ip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept',
      'ip6 hoplimit 255 icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept',
    ]) assert.ok(ruleset.includes(line), `missing ${line}`);
    // Neighbour discovery works through the block: the LAN host learns our link address,
    // while its echo request itself is dropped on the way in.
    await runOk('ip', ['-n', lab.serverNs, '-6', 'neigh', 'flush', 'dev', `${lab.physical.slice(0, -1)}s`]);
    const blockedInBefore = (await counters(lab)).blocked_in;
    await runOk('ip', ['netns', 'exec', lab.serverNs, 'ping', '-6', '-n', '-c', '1', '-W', '1', lab.lan.client6]).catch(() => undefined);
    const neighbour = await runOk('ip', ['-n', lab.serverNs, '-6', 'neigh', 'show', lab.lan.client6]);
    assert.match(neighbour, /lladdr [0-9a-f:]{17}/, neighbour);
    assert.ok((await counters(lab)).blocked_in > blockedInBefore);
    t.diagnostic(`neighbour entry on the LAN host: ${neighbour.trim()}`);
  });

  labTest('allow-LAN lets exactly the LAN through, both families', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    await apply(lab, input(lab, { mode: 'always', state: 'no_tunnel', allowLan: true }));
    const result = await measure(t, lab, [
      { kind: 'ping', host: lab.lan.host },
      { kind: 'tcp', host: lab.lan.host, port: OTHER_PORT },
      { kind: 'ping', host: lab.lan.host6 },
      { kind: 'ping', host: lab.underlay.server }, // on the same wire, but not a LAN address
      { kind: 'ping', host: lab.internet },
      { kind: 'ping', host: lab.underlay.server6 },
    ]);
    assert.deepEqual(result.outcomes.slice(0, 3), ['reply', 'ECONNREFUSED', 'reply']);
    for (const outcome of result.outcomes.slice(3)) assert.match(outcome, BLOCKED);
    assertPeer(result.peer, { lan: 2, lan6: 1 });
    assert.ok(result.ours.lan_out >= 3);
    assert.ok(result.ours.blocked_out >= 3);
  });

  labTest('turning it off leaves nft list ruleset byte-identical, next to another firewall\'s table', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    const foreign = 'table inet other {\n\tchain output {\n\t\ttype filter hook output priority 10; policy accept;\n\t\ttcp dport 9999 drop\n\t}\n}\ntable ip legacy {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\n';
    await runOk('ip', ['netns', 'exec', lab.clientNs, 'nft', '-f', '-'], { input: foreign });
    const before = await lab.ruleset();
    assert.deepEqual(await lab.firewall.remove(), { ok: true, value: undefined }); // absent: a no-op
    assert.equal(await lab.ruleset(), before);
    for (const value of [
      input(lab, { state: 'connecting' }),
      input(lab, { state: 'connected', tunnelInterface: lab.tunnel, allowLan: true }),
      input(lab, { mode: 'always', state: 'no_tunnel', bootstrapDns: [lab.underlay.server] }),
      input(lab, { mode: 'off', state: 'connected', tunnelInterface: lab.tunnel }),
    ]) {
      await apply(lab, value);
      const during = await lab.ruleset();
      assert.ok(during.startsWith(before), during); // the other tables untouched, ours after them
      assert.ok(during.slice(before.length).startsWith('table inet postern {'), during);
    }
    await lab.probe([{ kind: 'udp', host: lab.underlay.server, port: SERVER_PORT }]);
    assert.deepEqual(await lab.firewall.remove(), { ok: true, value: undefined });
    assert.equal(await lab.ruleset(), before);
    await apply(lab, input(lab, { mode: 'off', state: 'no_tunnel' }));
    assert.equal(await lab.ruleset(), before);
  });

  labTest('the rules stay in the kernel after the process that installed them is SIGKILLed', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./firewall-lab-child.ts', import.meta.url)),
      lab.clientNs, JSON.stringify(input(lab, { mode: 'always', state: 'no_tunnel' }))], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    for (let i = 0; i < 100 && !stdout.includes('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(stdout, 'applied\n');
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(child.signalCode, 'SIGKILL');
    const table = await lab.firewall.current();
    assert.ok(table.ok && table.value !== undefined, 'table gone');
    const result = await measure(t, lab, [{ kind: 'ping', host: lab.underlay.server }, { kind: 'tcp', host: lab.lan.host, port: OTHER_PORT }]);
    for (const outcome of result.outcomes) assert.match(outcome, BLOCKED);
    assertPeer(result.peer, {});
    assert.ok(result.ours.blocked_out >= 2);
  });

  labTest('random plans all load into the kernel', { timeout: 60_000 }, async (t) => {
    const lab = await setUp(t);
    const samples = fc.sample(firewallInputArbitrary, { numRuns: 40, seed: 42 });
    for (const value of samples) await apply(lab, value);
    assert.deepEqual(await lab.firewall.remove(), { ok: true, value: undefined });
  });
});
