import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { labTest } from '../../e2e/lab/lab-test';
import { applyNetworkPlan } from './apply-network-plan';
import { ResolvConfBackend, renderResolvConf } from './resolv-conf-backend';
import { Journal } from './journal';
import { LinuxNetwork } from './linux-network';
import { createLabNamespace, LAB_SERVER, LAB_TUN, LAB_TUN_MTU_BYTES, labTunnelConfig, type LabNamespace } from './netconfig-lab-fixture';
import { planNetwork } from './plan-network';
import { rollbackStaleJournals } from './rollback-stale-journals';

async function setUp(t: TestContext): Promise<{ ns: LabNamespace; journalDir: string; before: string }> {
  const ns = await createLabNamespace();
  t.after(() => ns.remove());
  const base = await mkdtemp(join(tmpdir(), 'postern-netconfig-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  return { ns, journalDir: join(base, 'journal'), before: await ns.snapshot() };
}

async function routeGet(ns: LabNamespace, address: string): Promise<string> {
  const result = await ns.runners.runIp(['route', 'get', address]);
  assert.ok(result.ok, address);
  return result.stdout;
}

labTest('applies a realistic push in a namespace and undoes it to the byte', async (t) => {
  const { ns, journalDir, before } = await setUp(t);
  const network = new LinuxNetwork({ journalDir, runners: ns.runners, resolvConfPath: ns.resolvConfPath, dns: 'resolv-conf' });
  const config = labTunnelConfig();
  const result = await network.apply({ tunName: LAB_TUN, mtuBytes: 1400, originalMtuBytes: LAB_TUN_MTU_BYTES, config, serverAddress: LAB_SERVER, serverFamily: 4 });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.deepEqual(result.value.warnings, []);
  const during = await ns.snapshot();
  for (const line of [
    '0.0.0.0/1 via 10.8.0.1 dev ptun0', '128.0.0.0/1 via 10.8.0.1 dev ptun0', '198.51.100.7 via 192.0.2.1 dev up0',
    '10.20.0.0/16 via 10.8.0.1 dev ptun0', '203.0.113.0/24 via 192.0.2.1 dev up0', '10.8.0.0/24 dev ptun0 proto kernel scope link src 10.8.0.2',
    '::/3 dev ptun0', '2000::/4 dev ptun0', '3000::/4 dev ptun0', 'fc00::/7 dev ptun0', 'fd00:99::/48 dev ptun0',
    'fd00:8::/64 dev ptun0 proto kernel', 'mtu 1400', 'inet 10.8.0.2/24 scope global ptun0', 'inet6 fd00:8::1000/64 scope global',
    'default via 192.0.2.1 dev up0',
  ]) assert.ok(during.includes(line), `missing "${line}" in\n${during}`);
  assert.equal(await readFile(ns.resolvConfPath, 'utf8'), renderResolvConf({ nameservers: ['10.8.0.53', 'fd00:8::53'], search: ['corp.example'] }, LAB_TUN));
  assert.match(await routeGet(ns, '192.0.2.77'), /dev up0/);
  assert.match(await routeGet(ns, '8.8.8.8'), /via 10\.8\.0\.1 dev ptun0/);
  assert.match(await routeGet(ns, LAB_SERVER), /via 192\.0\.2\.1 dev up0/);
  const report = await network.undoWithReport();
  assert.deepEqual(report?.failures, []);
  assert.equal(await ns.snapshot(), before);
  assert.deepEqual(await readdir(journalDir), []);
  assert.equal(await network.undoWithReport(), undefined);
});

labTest('redirect-gateway without def1 replaces the default route and puts it back', async (t) => {
  const { ns, journalDir, before } = await setUp(t);
  const network = new LinuxNetwork({ journalDir, runners: ns.runners, dns: 'none' });
  const config = labTunnelConfig({ redirectGateway: { flags: new Set() } });
  const result = await network.apply({ tunName: LAB_TUN, mtuBytes: LAB_TUN_MTU_BYTES, config, serverAddress: LAB_SERVER, serverFamily: 4 });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  const during = await ns.snapshot();
  assert.ok(during.includes('default via 10.8.0.1 dev ptun0'), during);
  assert.ok(!during.includes('default via 192.0.2.1'), during);
  await network.undo();
  assert.equal(await ns.snapshot(), before);
});

labTest('a failing step mid-plan rolls back the steps before it', async (t) => {
  const { ns, journalDir, before } = await setUp(t);
  const plan = planNetwork({
    tunName: LAB_TUN, config: labTunnelConfig(), serverAddress: LAB_SERVER, serverFamily: 4, mtuBytes: 1400,
    originalMtuBytes: LAB_TUN_MTU_BYTES, originalGateway4: { via: '192.0.2.1', dev: 'up0' },
  });
  const broken = { description: 'a route through a gateway nobody can reach', apply: ['route', 'add', '10.30.0.0/16', 'via', '203.0.113.99', 'dev', 'up0'], undo: ['route', 'del', '10.30.0.0/16', 'via', '203.0.113.99', 'dev', 'up0'] };
  plan.steps.splice(plan.steps.length - 2, 0, broken);
  const journal = await Journal.create(journalDir, LAB_TUN);
  assert.ok(journal.ok);
  const result = await applyNetworkPlan(plan, { runIp: ns.runners.runIp, journal: journal.value, dns: new ResolvConfBackend(ns.resolvConfPath) });
  assert.ok(!result.ok);
  assert.equal(result.error.step, broken.description);
  assert.match(result.error.stderr ?? '', /gateway|unreachable|Nexthop/i);
  assert.equal(result.error.rollbackFailures, undefined);
  assert.equal(await ns.snapshot(), before);
  assert.deepEqual(await readdir(journalDir), []);
});

labTest('a helper killed with SIGKILL is rolled back from its journal at the next start', async (t) => {
  const { ns, journalDir, before } = await setUp(t);
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'netconfig-crash-child.ts'), ns.name, journalDir, ns.resolvConfPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { child.kill('SIGKILL'); });
  const said = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`child said only: ${text}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) { clearTimeout(timer); resolve(text.trim()); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`child exited ${code}: ${text}`)); });
  });
  assert.equal(said, 'applied');
  assert.notEqual(await ns.snapshot(), before);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.equal((await readdir(journalDir)).filter((name) => name.endsWith('.journal')).length, 1);
  const reports = await rollbackStaleJournals(journalDir, ns.runners, { resolvConfPath: ns.resolvConfPath });
  assert.equal(reports.length, 1);
  assert.deepEqual(reports[0]?.failures, []);
  assert.equal(await ns.snapshot(), before);
  assert.deepEqual(await readdir(journalDir), []);
});

labTest('undo after the TUN device vanished: its routes are already gone, the rest is undone', async (t) => {
  const { ns, journalDir } = await setUp(t);
  const network = new LinuxNetwork({ journalDir, runners: ns.runners, resolvConfPath: ns.resolvConfPath, dns: 'resolv-conf' });
  const result = await network.apply({ tunName: LAB_TUN, mtuBytes: 1400, config: labTunnelConfig(), serverAddress: LAB_SERVER, serverFamily: 4 });
  assert.ok(result.ok);
  assert.ok((await ns.runners.runIp(['tuntap', 'del', 'dev', LAB_TUN, 'mode', 'tun'])).ok);
  const report = await network.undoWithReport();
  assert.deepEqual(report?.failures, []);
  assert.ok((report?.alreadyGone ?? 0) > 5, JSON.stringify(report));
  const after = await ns.snapshot();
  assert.ok(!after.includes(LAB_SERVER), after);
  assert.ok(after.includes('default via 192.0.2.1 dev up0'), after);
  assert.ok(after.endsWith(`$ cat resolv.conf\n# lab resolver\nnameserver 192.0.2.53\nsearch home.example\n`), after);
});
