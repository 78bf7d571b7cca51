import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Firewall, readCounters } from './firewall';
import { firewallInput } from './firewall-fixture';
import type { NftResult, NftRunner } from './nft-runner';
import { planFirewall, removalScript } from './plan-firewall';

interface Call {
  argv: readonly string[];
  stdin: string | undefined;
}

const TABLE_JSON = JSON.stringify({ nftables: [
  { metainfo: { version: '1.0.6' } },
  { table: { family: 'inet', name: 'postern', handle: 2 } },
  { counter: { family: 'inet', name: 'blocked_out', table: 'postern', handle: 4, packets: 7, bytes: 588 } },
  { counter: { family: 'inet', name: 'server_out', table: 'postern', handle: 5, packets: 3, bytes: 120 } },
  { counter: { family: 'inet', name: 'not_ours', table: 'postern', handle: 6, packets: 1, bytes: 1 } },
] });
const ABSENT: NftResult = { ok: false, stderr: 'Error: No such file or directory\nlist table inet postern', exitCode: 1 };

/** A fake nft: records calls; `-f -` succeeds unless told otherwise; listings answer from `table`. */
function fakeNft(state: { table: boolean; loadFails?: string }): { run: NftRunner; calls: Call[] } {
  const calls: Call[] = [];
  const run: NftRunner = async (argv, stdin) => {
    calls.push({ argv, stdin });
    if (argv[0] === '-f') {
      if (state.loadFails !== undefined) return { ok: false, stderr: state.loadFails, exitCode: 1 };
      state.table = stdin !== removalScript();
      return { ok: true, stdout: '' };
    }
    return state.table ? { ok: true, stdout: TABLE_JSON } : ABSENT;
  };
  return { run, calls };
}

test('apply loads the planned script in one nft -f - and reads the table back', async () => {
  const nft = fakeNft({ table: false });
  const input = firewallInput();
  const result = await new Firewall({ runNft: nft.run }).apply(input);
  assert.deepEqual(result, { ok: true, value: { blocking: true, dnsGuard: false, ipv6Guard: false, bootstrapDns: false } });
  assert.deepEqual(nft.calls.map((c) => c.argv), [['-f', '-'], ['-j', 'list', 'table', 'inet', 'postern']]);
  assert.equal(nft.calls[0]?.stdin, planFirewall(input));
});

test('apply with nothing to do removes the table', async () => {
  const nft = fakeNft({ table: true });
  const result = await new Firewall({ runNft: nft.run }).apply(firewallInput({ mode: 'off' }));
  assert.ok(result.ok);
  assert.equal(nft.calls[0]?.stdin, removalScript());
});

test('invalid input never reaches nft', async () => {
  const nft = fakeNft({ table: false });
  const result = await new Firewall({ runNft: nft.run }).apply(firewallInput({ tunnelInterface: 'tun0"' }));
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'firewall.invalid_input');
  assert.deepEqual(nft.calls, []);
});

test('a refused script is an nft_failed error with nft\'s words', async () => {
  const nft = fakeNft({ table: false, loadFails: 'Error: Could not process rule: Operation not permitted' });
  const result = await new Firewall({ runNft: nft.run }).apply(firewallInput());
  assert.deepEqual(result, { ok: false, error: { code: 'firewall.nft_failed', message: 'nft refused the ruleset', stderr: 'Error: Could not process rule: Operation not permitted' } });
});

test('a table that is not there after loading is verify_failed', async () => {
  const runNft: NftRunner = async (argv) => (argv[0] === '-f' ? { ok: true, stdout: '' } : ABSENT);
  const result = await new Firewall({ runNft }).apply(firewallInput());
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'firewall.verify_failed');
});

test('remove sends only the removal script; current and counters read absent as empty', async () => {
  const nft = fakeNft({ table: true });
  const firewall = new Firewall({ runNft: nft.run });
  assert.deepEqual(await firewall.remove(), { ok: true, value: undefined });
  assert.equal(nft.calls[0]?.stdin, 'table inet postern {}\ndelete table inet postern\n');
  assert.deepEqual(await firewall.current(), { ok: true, value: undefined });
  const counters = await firewall.counters();
  assert.ok(counters.ok);
  assert.deepEqual(counters.value.blocked_out, { packets: 0, bytes: 0 });
});

test('counters are read by name; unknown ones are ignored', async () => {
  const nft = fakeNft({ table: true });
  const counters = await new Firewall({ runNft: nft.run }).counters();
  assert.ok(counters.ok);
  assert.deepEqual(counters.value.blocked_out, { packets: 7, bytes: 588 });
  assert.deepEqual(counters.value.server_out, { packets: 3, bytes: 120 });
  assert.equal(Object.keys(counters.value).length, 8);
  assert.deepEqual(readCounters(undefined).dns_leak, { packets: 0, bytes: 0 });
});

test('a listing that fails for another reason, or is not JSON, is an error', async () => {
  const broken: NftRunner = async () => ({ ok: false, stderr: 'Error: cache initialization failed: Operation not permitted', exitCode: 1 });
  assert.equal((await new Firewall({ runNft: broken }).current()).ok, false);
  const garbage: NftRunner = async () => ({ ok: true, stdout: 'table inet postern {' });
  const result = await new Firewall({ runNft: garbage }).current();
  assert.ok(!result.ok && result.error.code === 'firewall.nft_failed');
});
