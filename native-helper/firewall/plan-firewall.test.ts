import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firewallInput } from './firewall-fixture';
import { FirewallInputError } from './firewall-error';
import { planFirewall, REPLACE_TABLE, removalScript } from './plan-firewall';

/** The lines of one chain (two tabs deep), the hook line first. */
function chainLines(script: string, name: string): string[] {
  const lines = script.split('\n');
  const start = lines.indexOf(`\tchain ${name} {`);
  assert.ok(start >= 0, `no chain ${name} in\n${script}`);
  const end = lines.indexOf('\t}', start);
  return lines.slice(start + 1, end).map((line) => line.trim());
}

const chainRules = (script: string, name: string): string[] => chainLines(script, name).slice(1);
const hook = (script: string, name: string): string => chainLines(script, name)[0] ?? '';

const indexOf = (lines: string[], pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));

test('off, and auto after a deliberate disconnect: only the removal of our table', () => {
  for (const input of [
    firewallInput({ mode: 'off', state: 'connecting' }),
    firewallInput({ mode: 'off', state: 'no_tunnel' }),
    firewallInput({ mode: 'auto', state: 'no_tunnel' }),
  ]) assert.equal(planFirewall(input), removalScript());
  assert.equal(removalScript(), 'table inet postern {}\ndelete table inet postern\n');
});

test('auto while connecting: everything refused but loopback, link services, the servers and the tunnel device', () => {
  const script = planFirewall(firewallInput({ tunnelInterface: undefined }));
  assert.ok(script.startsWith(REPLACE_TABLE));
  assert.equal(hook(script, 'output'), 'type filter hook output priority filter; policy drop;');
  assert.deepEqual(chainRules(script, 'output'), [
    'oif "lo" accept',
    'meta nfproto ipv4 udp sport 68 udp dport 67 accept',
    'ip6 saddr fe80::/10 ip6 daddr { ff02::1:2, ff05::1:3 } udp sport 546 udp dport 547 accept',
    'ip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept',
    'ip6 hoplimit 1 icmpv6 type { mld-listener-report, mld-listener-done, mld2-listener-report } accept',
    'meta skuid 0 ip daddr 198.51.100.7 udp dport 1194 counter name "server_out" accept',
    'meta skuid 0 ip6 daddr 2001:db8::7 tcp dport 443 counter name "server_out" accept',
    'meta l4proto tcp counter name "blocked_out" reject with tcp reset',
    'counter name "blocked_out" reject with icmpx type admin-prohibited',
  ]);
  const input = chainRules(script, 'input');
  assert.equal(input[0], 'iif "lo" accept');
  assert.ok(input.includes('ip saddr 198.51.100.7 udp sport 1194 ct state established accept'));
  assert.ok(input.includes('ip6 saddr 2001:db8::7 tcp sport 443 ct state established accept'));
  assert.ok(input.includes('ip6 hoplimit 255 icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } accept'));
  assert.ok(input.includes('meta nfproto ipv4 udp sport 67 udp dport 68 accept'));
  assert.equal(input.at(-1), 'counter name "blocked_in" drop');
  assert.deepEqual(chainRules(script, 'forward'), [
    'meta l4proto tcp counter name "blocked_forward" reject with tcp reset',
    'counter name "blocked_forward" reject with icmpx type admin-prohibited',
  ]);
  assert.ok(!/@lan_v|dns_leak|ipv6_leak/.test(chainRules(script, 'output').join('\n')));
});

test('reconnecting with a known tunnel device lets packets into it: only the helper reads them', () => {
  const script = planFirewall(firewallInput({ state: 'reconnecting' }));
  const output = chainRules(script, 'output');
  assert.ok(output.includes('oifname "tun0" counter name "tunnel_out" accept'));
  assert.ok(indexOf(output, /tunnel_out/) < indexOf(output, /blocked_out/));
  assert.ok(chainRules(script, 'input').includes('iifname "tun0" accept'));
  assert.deepEqual(chainRules(script, 'forward').slice(0, 2), ['oifname "tun0" accept', 'iifname "tun0" ct state established,related accept']);
});

test('bootstrap DNS: root to the system resolvers on port 53, only while connecting or reconnecting', () => {
  const bootstrapDns = ['192.0.2.53', '2001:db8::53'];
  for (const state of ['connecting', 'reconnecting'] as const) {
    const script = planFirewall(firewallInput({ state, bootstrapDns }));
    const output = chainRules(script, 'output');
    assert.ok(output.includes('meta skuid 0 ip daddr 192.0.2.53 meta l4proto { tcp, udp } th dport 53 accept'), state);
    assert.ok(output.includes('meta skuid 0 ip6 daddr 2001:db8::53 meta l4proto { tcp, udp } th dport 53 accept'), state);
    assert.ok(chainRules(script, 'input').includes('ip saddr 192.0.2.53 meta l4proto { tcp, udp } th sport 53 ct state established accept'));
  }
  for (const input of [firewallInput({ state: 'connected', bootstrapDns }), firewallInput({ mode: 'always', state: 'no_tunnel', bootstrapDns })]) {
    assert.ok(!planFirewall(input).includes('192.0.2.53'), input.state);
  }
});

test('connected with the default route and pushed DNS: DNS only to the tunnel servers, through the tunnel, before anything else may pass', () => {
  const script = planFirewall(firewallInput({ state: 'connected', allowLan: true }));
  const output = chainRules(script, 'output');
  const guard = [
    'meta l4proto { tcp, udp } th dport { 53, 853 } oifname "tun0" ip daddr { 10.8.0.1 } accept',
    'meta l4proto { tcp, udp } th dport { 53, 853 } oifname "tun0" ip6 daddr { fd00:8::53 } accept',
    'meta l4proto { tcp, udp } th dport { 53, 853 } counter name "dns_leak" reject',
  ];
  const start = output.indexOf(guard[0] as string);
  assert.ok(start > 0, output.join('\n'));
  assert.deepEqual(output.slice(start, start + 3), guard);
  assert.ok(start > indexOf(output, /server_out/), 'a server on port 53 still passes');
  assert.ok(start + 3 <= indexOf(output, /tunnel_out/));
  assert.ok(start + 3 <= indexOf(output, /lan_out/));
});

test('no DNS guard without the setting, without pushed DNS, or without the default route', () => {
  for (const input of [
    firewallInput({ state: 'connected', dnsLeakProtection: false }),
    firewallInput({ state: 'connected', tunnelDns: [] }),
    firewallInput({ state: 'connected', tunnelCarriesDefault: { ipv4: false, ipv6: false } }),
    firewallInput({ state: 'connecting' }),
  ]) assert.ok(!planFirewall(input).includes('dns_leak" reject'), JSON.stringify(input));
});

test('kill switch off, tunnel up: the DNS guard alone, in an accepting table with no input or forward chain', () => {
  const script = planFirewall(firewallInput({ mode: 'off', state: 'connected' }));
  assert.equal(hook(script, 'output'), 'type filter hook output priority filter; policy accept;');
  assert.ok(chainRules(script, 'output').includes('meta l4proto { tcp, udp } th dport { 53, 853 } counter name "dns_leak" reject'));
  assert.ok(!script.includes('chain input') && !script.includes('chain forward'));
  assert.ok(!script.includes('blocked_out" reject'));
});

test('IPv6 leak protection: the tunnel carries IPv4 only, so IPv6 outside it is refused (and nothing else)', () => {
  const script = planFirewall(firewallInput({ mode: 'off', state: 'connected', dnsLeakProtection: false, tunnelCarriesDefault: { ipv4: true, ipv6: false } }));
  const output = chainRules(script, 'output');
  assert.deepEqual(output.slice(-2), [
    'meta nfproto ipv6 meta l4proto tcp counter name "ipv6_leak" reject with tcp reset',
    'meta nfproto ipv6 counter name "ipv6_leak" reject with icmpx type admin-prohibited',
  ]);
  assert.ok(output.includes('ip6 hoplimit 255 icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept'));
  assert.ok(output.includes('meta skuid 0 ip6 daddr 2001:db8::7 tcp dport 443 counter name "server_out" accept'), 'an IPv6 server stays reachable');
  assert.equal(planFirewall(firewallInput({ mode: 'off', state: 'connected', dnsLeakProtection: false })), removalScript());
});

test('always with no tunnel blocks; allow-LAN opens exactly the LAN sets, both families, all three chains', () => {
  const closed = planFirewall(firewallInput({ mode: 'always', state: 'no_tunnel', tunnelInterface: undefined }));
  assert.equal(hook(closed, 'output'), 'type filter hook output priority filter; policy drop;');
  assert.ok(!/@lan_v/.test(closed.replace(/set lan_v[46] \{[^\n]*\n/g, '')));
  const open = planFirewall(firewallInput({ mode: 'always', state: 'no_tunnel', tunnelInterface: undefined, allowLan: true }));
  assert.match(open, /set lan_v4 \{ type ipv4_addr; flags interval; elements = \{ 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16, 169\.254\.0\.0\/16, 224\.0\.0\.0\/24, 239\.0\.0\.0\/8, 255\.255\.255\.255 \} \}/);
  assert.match(open, /set lan_v6 \{ type ipv6_addr; flags interval; elements = \{ fe80::\/10, fc00::\/7, ff01::\/16, ff02::\/16, ff03::\/16, ff04::\/16, ff05::\/16 \} \}/);
  assert.ok(chainRules(open, 'output').includes('ip daddr @lan_v4 counter name "lan_out" accept'));
  assert.ok(chainRules(open, 'output').includes('ip6 daddr @lan_v6 counter name "lan_out" accept'));
  assert.ok(chainRules(open, 'input').includes('ip6 saddr @lan_v6 accept'));
  assert.ok(chainRules(open, 'forward').includes('ip daddr @lan_v4 accept'));
});

test('the same server twice gives one rule', () => {
  const server = { address: '198.51.100.7', family: 4 as const, proto: 'udp' as const, port: 1194 };
  const script = planFirewall(firewallInput({ servers: [server, server] }));
  assert.equal(script.split('ip daddr 198.51.100.7 udp dport 1194').length - 1, 1);
});

test('input that could smuggle nft syntax, or is simply wrong, is refused before any rule is written', () => {
  const bad = [
    firewallInput({ tunnelInterface: 'tun0" accept; flush ruleset; #' }),
    firewallInput({ tunnelInterface: 'a-name-far-too-long' }),
    firewallInput({ tunnelDns: ['10.8.0.1 } accept; flush ruleset'] }),
    firewallInput({ tunnelDns: ['fe80::1%eth0'] }),
    firewallInput({ bootstrapDns: ['dns.example'] }),
    firewallInput({ servers: [{ address: '198.51.100.7', family: 6, proto: 'udp', port: 1194 }] }),
    firewallInput({ servers: [{ address: '198.51.100.7', family: 4, proto: 'udp', port: 0 }] }),
    firewallInput({ servers: [{ address: '198.51.100.7', family: 4, proto: 'sctp' as 'udp', port: 1 }] }),
    { ...firewallInput(), extra: true },
    firewallInput({ mode: 'sometimes' as 'off' }),
  ];
  for (const input of bad) assert.throws(() => planFirewall(input), FirewallInputError, JSON.stringify(input));
});
