import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HelperEvent } from '../api/index';
import { Firewall, KillSwitchSettingsStore, removalScript, type NftRunner } from '../firewall/index';
import { KillSwitch } from './kill-switch';

// How the tunnel's life drives the kill switch, over a fake nft that keeps the table as a
// script (the firewall module's own tests and the lab prove the rules themselves).

function rig(): { killSwitch: KillSwitch; table: () => string | undefined; loads: () => number; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'postern-ks-'));
  let table: string | undefined;
  let loads = 0;
  const runNft: NftRunner = async (argv, stdin) => {
    if (argv[0] === '-f') {
      loads++;
      table = stdin === removalScript() ? undefined : stdin;
      return { ok: true, stdout: '' };
    }
    return table === undefined ? { ok: false, stderr: 'Error: No such file or directory', exitCode: 1 } : { ok: true, stdout: '{"nftables":[]}' };
  };
  const killSwitch = new KillSwitch(new Firewall({ runNft }), new KillSwitchSettingsStore({ path: join(dir, 'killswitch.json'), ownerUid: process.getuid?.() ?? 0 }));
  return { killSwitch, table: () => table, loads: () => loads, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

const state = (value: string, error?: boolean): HelperEvent => ({
  type: 'state', sessionId: 's1', profileName: 'work', state: value as never, sinceStartMs: 0, previousStateMs: 0,
  ...(error ? { error: { code: 'auth.failed', message: 'no' } } : {}),
});
const tunnel: HelperEvent = {
  type: 'tunnel', sessionId: 's1',
  tunnel: { tunName: 'tun7', mtuBytes: 1500, ipv4: '10.8.0.2', routes: [], dnsServers: ['10.8.0.1'], searchDomains: [], redirectGateway: true,
    server: { host: 'vpn.example', address: '192.0.2.10', port: 1194, proto: 'udp' }, cipher: 'AES-256-GCM', keyDerivation: 'tls-ekm', tlsVersion: 'TLSv1.3' },
};
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('off: nothing of ours is loaded, whatever the tunnel does', async () => {
  using r = rig();
  await r.killSwitch.start();
  assert.ok((await r.killSwitch.tunnelStarting([{ host: '192.0.2.10', port: 1194, proto: 'udp' }])).ok);
  r.killSwitch.onEvent(tunnel);
  r.killSwitch.onEvent(state('connected'));
  await settle();
  assert.equal(r.loads(), 0);
  assert.deepEqual(r.killSwitch.state(), { mode: 'off', allowLan: false, dnsLeakProtection: true, blocking: false });
});

test('auto: the servers while connecting, the tunnel once up; a failed tunnel stays blocked until the user disconnects on purpose', async () => {
  using r = rig();
  await r.killSwitch.start();
  assert.ok((await r.killSwitch.change({ mode: 'auto' })).ok);
  assert.equal(r.table(), undefined, 'no tunnel yet: no table');
  assert.ok((await r.killSwitch.tunnelStarting([{ host: '192.0.2.10', port: 1194, proto: 'udp' }, { host: '2001:db8::10', port: 443, proto: 'tcp' }])).ok);
  assert.match(r.table() ?? '', /meta skuid 0 ip daddr 192\.0\.2\.10 udp dport 1194/);
  assert.match(r.table() ?? '', /meta skuid 0 ip6 daddr 2001:db8::10 tcp dport 443/);
  assert.doesNotMatch(r.table() ?? '', /oifname/, 'no tunnel interface while connecting');
  r.killSwitch.onEvent(tunnel);
  r.killSwitch.onEvent(state('connected'));
  await settle();
  assert.match(r.table() ?? '', /oifname "tun7"/);
  assert.equal(r.killSwitch.state().blocking, true);
  r.killSwitch.onEvent(state('reconnecting'));
  await settle();
  assert.match(r.table() ?? '', /oifname "tun7"/, 'the TUN device outlives the reconnect');
  r.killSwitch.onEvent(state('disconnected', true));
  await settle();
  assert.notEqual(r.table(), undefined, 'a tunnel that failed leaves the block up');
  assert.equal(await r.killSwitch.disconnectedOnPurpose(), true);
  assert.equal(r.table(), undefined, 'the user disconnected on purpose: the table is gone');
  assert.equal(await r.killSwitch.disconnectedOnPurpose(), false);
});

test('always: blocked with no tunnel; a requested disconnect keeps the block; off removes it', async () => {
  using r = rig();
  await r.killSwitch.start();
  assert.equal((await r.killSwitch.change({ mode: 'always', allowLan: true })).ok, true);
  assert.notEqual(r.table(), undefined);
  assert.equal(r.killSwitch.state().blocking, true);
  assert.match(r.table() ?? '', /@lan_v4/);
  r.killSwitch.onEvent(state('disconnected'));
  await settle();
  assert.notEqual(r.table(), undefined);
  assert.ok((await r.killSwitch.change({ mode: 'off' })).ok);
  assert.equal(r.table(), undefined);
});

test('a helper that starts with no saved setting is off, and takes a leftover table away', async () => {
  using r = rig();
  await r.killSwitch.start();
  await r.killSwitch.change({ mode: 'auto' });
  await r.killSwitch.tunnelStarting([{ host: '192.0.2.10', port: 1194, proto: 'udp' }]);
  const next = new KillSwitch(new Firewall({ runNft: async (argv, stdin) => (argv[0] === '-f' ? { ok: true, stdout: stdin ?? '' } : { ok: true, stdout: '{"nftables":[]}' }) }),
    new KillSwitchSettingsStore({ path: join(tmpdir(), 'none', 'killswitch.json'), ownerUid: process.getuid?.() ?? 0 }));
  await next.start();
  assert.equal(next.state().mode, 'off', 'no settings file: off, so the leftover table is removed');
});
