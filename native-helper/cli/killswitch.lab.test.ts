import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../e2e/lab/lab';
import { LAB_GROUP, asUser, labUsers, userFolder } from '../../e2e/lab/lab-users';
import { labTest } from '../../e2e/lab/lab-test';
import { Firewall, nftRunner } from '../firewall/index';
import { PosternProcess } from './testing/postern-process';

// The kill switch as people use it: set by a member with `postern killswitch`, applied by the
// helper (root) around a real tunnel to the lab's openvpn 2.6 server, in the lab's client
// namespace; packets outside the tunnel counted by our table's counters.

labTest('kill switch auto: only the tunnel while connected, through a server restart and a killed helper, until the user disconnects; always blocks with no tunnel; off leaves the ruleset as it was', { timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  // explicit-exit-notify: the restarting server tells the client, as a real one does.
  const lab = await startLab({ proto: 'udp', serverConfig: ['explicit-exit-notify 1'] });
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-ks-sock-'));
  chmodSync(socketDir, 0o755);
  const socketPath = join(socketDir, 'postern.sock');
  const stateDir = mkdtempSync(join(tmpdir(), 'postern-ks-state-'));
  const profiles = userFolder(member, 'postern-ks-profiles-');
  const processes: PosternProcess[] = [];
  const env = { POSTERN_SOCKET: socketPath, POSTERN_KILLSWITCH_SETTINGS: join(stateDir, 'killswitch.json') };
  const asMember = (args: readonly string[]): PosternProcess => {
    const started = new PosternProcess(undefined, args, {}, (argv) => asUser(member, argv, { POSTERN_SOCKET: socketPath }));
    processes.push(started);
    return started;
  };
  const startHelper = async (): Promise<PosternProcess> => {
    const helper = new PosternProcess(lab.clientNs, ['helper', '--group', LAB_GROUP], env);
    processes.push(helper);
    const deadline = Date.now() + 15_000;
    while (!existsSync(socketPath) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return helper;
  };
  const firewall = new Firewall({ runNft: nftRunner({ namespace: lab.clientNs }) });
  t.after(async () => {
    for (const process of processes.reverse()) await process.stop('SIGTERM');
    await firewall.remove();
    await lab.stop();
    for (const dir of [socketDir, stateDir, profiles]) rmSync(dir, { recursive: true, force: true });
  });
  const ruleset = async (): Promise<string> => (await lab.exec(lab.clientNs, ['nft', 'list', 'ruleset'])).stdout;
  const pings = async (address: string, count = 3): Promise<number> => {
    const result = await lab.exec(lab.clientNs, ['ping', '-c', String(count), '-i', '0.2', '-W', '1', address], { timeoutMs: 15_000 });
    return Number(/(\d+) received/.exec(result.stdout)?.[1] ?? 0);
  };
  const blockedOut = async (): Promise<number> => {
    const counters = await firewall.counters();
    return counters.ok ? counters.value['blocked_out']?.packets ?? 0 : 0;
  };
  const run = async (args: readonly string[]): Promise<PosternProcess> => {
    const command = asMember(args);
    assert.equal(await command.exited, 0, `postern ${args.join(' ')}:\n${command.stderr.join('')}`);
    return command;
  };
  const before = await ruleset();
  const helper = await startHelper();
  const profile = join(profiles, 'lab.ovpn');
  writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o644 });

  const set = await run(['killswitch', 'auto', '--json']);
  assert.deepEqual(set.lines[0], { mode: 'auto', allowLan: false, dnsLeakProtection: true, blocking: false });
  assert.equal(await ruleset(), before, 'auto with no tunnel yet: nothing of ours in the kernel');

  await run(['connect', profile, '--json']);
  assert.equal(await pings(lab.tunnel.serverIp), 3, 'through the tunnel');
  assert.equal(await pings(lab.link.serverIp), 0, "the server's own address, outside the tunnel: blocked");
  const whileConnected = await blockedOut();
  assert.ok(whileConnected >= 3, `counted ${whileConnected} blocked packets`);

  // The server restarts: the client reconnects; nothing goes around the tunnel meanwhile.
  await lab.restartServer();
  assert.equal(await pings(lab.link.serverIp), 0, 'blocked while reconnecting');
  // The table is replaced (counters and all) at each phase change, so read it right away.
  const whileReconnecting = await blockedOut();
  const reconnected = Date.now() + 45_000;
  while (await pings(lab.tunnel.serverIp, 1) === 0 && Date.now() < reconnected) await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(await pings(lab.tunnel.serverIp), 3, `through the tunnel again after the reconnect:\n${helper.stderr.join('').slice(-3000)}\n${(await lab.exec(lab.clientNs, ['nft', 'list', 'table', 'inet', 'postern'])).stdout}`);

  // The helper dies: the rules stay in the kernel; a new helper keeps blocking.
  await helper.stop('SIGKILL');
  rmSync(socketPath, { force: true });
  assert.equal(await pings(lab.link.serverIp), 0, 'blocked with the helper dead');
  const helperDead = await blockedOut();
  await startHelper();
  const status = await run(['killswitch', '--json']);
  assert.equal((status.lines[0] as { blocking?: boolean }).blocking, true, 'a restarted helper keeps blocking (auto, never disconnected on purpose)');
  assert.equal(await pings(lab.link.serverIp), 0);
  console.log(`# blocked_out (3 pings to the server's own address each time): ${whileConnected} connected, ${whileReconnecting} reconnecting, ${helperDead} helper killed, ${await blockedOut()} restarted helper`);

  // The user disconnects on purpose: the block goes, and the ruleset is as it was.
  await run(['disconnect']);
  assert.equal(await ruleset(), before, 'auto after a disconnect: the ruleset is byte-identical to before');
  assert.equal(await pings(lab.link.serverIp), 3);

  const always = await run(['killswitch', 'always', '--json']);
  assert.equal((always.lines[0] as { blocking?: boolean }).blocking, true);
  assert.equal(await pings(lab.link.serverIp), 0, 'always: blocked with no tunnel');
  await run(['killswitch', 'off']);
  assert.equal(await ruleset(), before, 'off: the ruleset is byte-identical to before');
  assert.equal(await pings(lab.link.serverIp), 3);
});
