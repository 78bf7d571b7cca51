import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandRunner } from './command-runner';
import { applyNetworkPlan } from './apply-network-plan';
import { Journal } from './journal';
import type { NetworkPlan } from './network-plan-types';
import { ResolvedBackend } from './resolved-backend';

const PLAN: NetworkPlan = {
  tunName: 'tun7', warnings: [], redirectsDefault4: true, redirectsDefault6: false,
  steps: [
    { description: 'mtu', apply: ['link', 'set', 'dev', 'tun7', 'mtu', '1500'], undo: null },
    { description: 'up', apply: ['link', 'set', 'dev', 'tun7', 'up'], undo: ['link', 'set', 'dev', 'tun7', 'down'] },
    { description: 'existing', apply: ['route', 'add', '10.30.0.0/16', 'dev', 'tun7'], undo: ['route', 'del', '10.30.0.0/16', 'dev', 'tun7'], tolerateExisting: true },
    { description: 'addr', apply: ['addr', 'add', '10.8.0.2/24', 'dev', 'tun7'], undo: ['addr', 'del', '10.8.0.2/24', 'dev', 'tun7'] },
    { description: 'route', apply: ['route', 'add', '10.20.0.0/16', 'dev', 'tun7'], undo: ['route', 'del', '10.20.0.0/16', 'dev', 'tun7'] },
  ],
  dns: { source: 'dhcp-option', resolved: { servers: ['10.8.0.53'], domains: ['corp.example', '~.'], defaultRoute: true } },
};

function fake(failOn?: string): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (argv) => {
    const line = argv.join(' ');
    calls.push(line);
    if (line === 'route add 10.30.0.0/16 dev tun7') return { ok: false, stderr: 'RTNETLINK answers: File exists', exitCode: 2 };
    if (failOn !== undefined && line.startsWith(failOn)) return { ok: false, stderr: 'Error: boom.', exitCode: 2 };
    return { ok: true, stdout: '' };
  };
  return { run, calls };
}

async function newJournal(t: { after: (fn: () => Promise<void>) => void }): Promise<{ journal: Journal; dir: string }> {
  const base = await mkdtemp(join(tmpdir(), 'postern-apply-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const dir = join(base, 'journal');
  const created = await Journal.create(dir, 'tun7');
  assert.ok(created.ok);
  return { journal: created.value, dir };
}

test('applies every step and the DNS; an existing route is left alone', async (t) => {
  const { journal } = await newJournal(t);
  const ip = fake();
  const resolvectl = fake();
  const result = await applyNetworkPlan(PLAN, { runIp: ip.run, runResolvectl: resolvectl.run, journal, dns: new ResolvedBackend(resolvectl.run) });
  assert.ok(result.ok);
  assert.equal(result.value.appliedSteps, 4);
  assert.deepEqual(result.value.skipped, ['existing: already present, left alone']);
  assert.equal(result.value.dnsBackend, 'systemd-resolved');
  assert.deepEqual(resolvectl.calls, ['dns tun7 10.8.0.53', 'domain tun7 corp.example ~.', 'default-route tun7 true']);
});

test('the first failure undoes what was applied, newest first, and reports step and stderr', async (t) => {
  const { journal, dir } = await newJournal(t);
  const ip = fake('route add 10.20');
  const result = await applyNetworkPlan(PLAN, { runIp: ip.run, journal });
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'netconfig.step_failed');
  assert.equal(result.error.step, 'route');
  assert.equal(result.error.stderr, 'Error: boom.');
  assert.deepEqual(result.error.argv, ['ip', 'route', 'add', '10.20.0.0/16', 'dev', 'tun7']);
  // The failed route and the tolerated one are not undone: neither was ours.
  assert.deepEqual(ip.calls.slice(5), ['addr del 10.8.0.2/24 dev tun7', 'link set dev tun7 down']);
  assert.deepEqual(await readdir(dir), []);
});

test('a DNS failure rolls back the routes and the resolved link', async (t) => {
  const { journal } = await newJournal(t);
  const ip = fake();
  const resolvectl = fake('domain');
  const result = await applyNetworkPlan(PLAN, { runIp: ip.run, runResolvectl: resolvectl.run, journal, dns: new ResolvedBackend(resolvectl.run) });
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'netconfig.dns_failed');
  assert.deepEqual(resolvectl.calls, ['dns tun7 10.8.0.53', 'domain tun7 corp.example ~.', 'revert tun7']);
  assert.deepEqual(ip.calls.slice(5), ['route del 10.20.0.0/16 dev tun7', 'addr del 10.8.0.2/24 dev tun7', 'link set dev tun7 down']);
});
