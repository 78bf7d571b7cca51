import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { startLab } from '../../e2e/lab/lab';
import type { Lab } from '../../e2e/lab/lab';
import { labTest } from '../../e2e/lab/lab-test';
import { run } from '../../e2e/lab/run';
import { HELPER_PROTOCOL_VERSION, POSTERN_VERSION } from '../api/index';
import { PosternProcess } from '../cli/testing/postern-process';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../service/runtime-flags';
import { startMachineBox, systemdBoxSkipReason } from '../../e2e/lab/machine-box';
import type { MachineBox } from '../../e2e/lab/machine-box';

// The "done when": build the package, install it, and with every `node` on the
// machine hidden run the installed postern (--version, check, a real connection to the lab's
// server); the same again under a real systemd, where the package starts its hardened unit;
// then purge it and find nothing of ours left.
//
// Everything that runs Postern or dpkg's maintainer scripts runs in a "box" (testing/
// machine-box.ts): the lab's client namespace for a network, a private /run and PID
// namespace, so the package's scripts act on the box's /run/postern and processes, never
// on the shared host's. The installed files, dpkg's database and the group are the host's.

const DEB = resolve(`out/postern_${POSTERN_VERSION}_amd64.deb`);
const RUNTIME = '/usr/lib/postern/node';
const UNIT_PATH = '/usr/lib/systemd/system/postern-helper.service';
const ENABLE_LINK = '/etc/systemd/system/multi-user.target.wants/postern-helper.service';
const STATE_DIR = '/var/lib/postern';

function skipReason(): string | undefined {
  const missing = ['dpkg-deb', 'dpkg-shlibdeps', 'strip'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  const reason = missing.length > 0 ? `building the package needs ${missing.join(', ')} (apt-get install dpkg-dev binutils)` : systemdBoxSkipReason();
  if (reason && process.env['CI'] && !process.env['POSTERN_SKIP_LAB']) throw new Error(`CI must run the package test, but: ${reason}`);
  return reason;
}

labTest('the postern package: installed with node hidden it checks and connects; under systemd its hardened service connects; purge leaves nothing', { timeout: 420_000, skip: skipReason() ?? false }, async (t) => {
  assert.equal(await installedVersion(), undefined, 'postern is installed on this machine: this test would purge it, so it stops here');
  assert.equal(existsSync(STATE_DIR), false, `${STATE_DIR} exists (a kill switch set on this machine?): purging the package would delete it, so the test stops here`);
  const built = spawnSync(process.execPath, ['scripts/package.mjs'], { encoding: 'utf8' });
  assert.equal(built.status, 0, `npm run package:\n${built.stdout}${built.stderr}`);
  assert.match(built.stdout, /^desktop package skipped: .+$|^built the desktop packages: /m, 'one line about the desktop package');
  t.diagnostic(built.stdout.trim().split('\n').filter((line) => /^(built out|desktop)/.test(line)).join('; '));
  // Debian's own checks, while the rest runs: no errors (the accepted tags: native-helper/packaging/README.md).
  const lintian = lintianReport(DEB);

  // The pushed DNS server routes through the tunnel, so the leak check has nothing to report.
  const lab = await startLab({ proto: 'udp', serverConfig: ['push "dhcp-option DNS 10.99.0.53"', 'push "route 10.99.0.0 255.255.255.0"'] });
  const boxes: MachineBox[] = [];
  mkdirSync(dirname(resolvConfOf(lab)), { recursive: true });
  writeFileSync(resolvConfOf(lab), '# the lab client\'s own resolver\nnameserver 192.0.2.53\n');
  t.after(async () => {
    await lintian.catch(() => undefined);
    for (const box of boxes) await box.stop().catch(() => undefined);
    // Whatever failed above, the machine does not keep the package: purged in a box of its own.
    if (await installedVersion() !== undefined) {
      const rescue = await startMachineBox({ netns: lab.clientNs, dir: join(lab.dir, 'box-rescue'), hide: [] });
      await rescue.run(['dpkg', '--purge', 'postern'], { timeoutMs: 60_000 });
      await rescue.stop();
    }
    await lab.stop();
    rmSync(dirname(resolvConfOf(lab)), { recursive: true, force: true });
  });
  const before = await networkState(lab);
  const groupBefore = await getent('postern');
  const hide = [...nodeBinaries(), '/usr/sbin/policy-rc.d'];
  const profiles = writeProfiles(lab);

  // 1. A machine without systemd: the package installs, starts nothing, and runs on its own runtime.
  const plain = await startMachineBox({ netns: lab.clientNs, dir: join(lab.dir, 'box-plain'), hide });
  boxes.push(plain);
  await dpkg(plain, ['-i', DEB]);
  const files = (await plain.run(['dpkg', '-L', 'postern'])).stdout.trim().split('\n');
  assert.ok(files.includes(UNIT_PATH) && files.includes('/usr/bin/postern') && files.includes(RUNTIME), files.join('\n'));
  assert.match(await getent('postern'), /^postern:x:\d+:/, 'the group postern exists');
  assert.ok(lstatSync(ENABLE_LINK).isSymbolicLink(), 'the unit is enabled for when systemd runs');
  assert.deepEqual(await ourProcesses(plain), [], 'without systemd, installing starts nothing');
  await verifyUnit(t);

  const nodeRuns = await plain.run(['sh', '-c', 'node --version']);
  assert.notEqual(nodeRuns.code, 0, `node is hidden in the box: ${nodeRuns.stdout}`);
  const version = await plain.run(['/usr/bin/postern', '--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `postern ${POSTERN_VERSION} (helper protocol ${HELPER_PROTOCOL_VERSION.major}.${HELPER_PROTOCOL_VERSION.minor}, Node.js ${process.version})\n`);
  const check = await plain.run(['/usr/bin/postern', 'check', profiles.pkcs12]);
  assert.equal(check.code, 0, `postern check:\n${check.stdout}${check.stderr}`);

  // A root `postern connect` in the foreground, with a legacy PKCS#12 (decoded by the bundled node-forge).
  const foreground = new PosternProcess(undefined, ['connect', profiles.pkcs12, '--json'], {}, undefined, [...plain.enter, '/usr/bin/postern']);
  await foreground.waitForState('connected', 30_000);
  const leakCheck = await foreground.waitForLine((line) => line['type'] === 'leak_check', 40_000);
  assert.equal(leakCheck['ok'], true, JSON.stringify(leakCheck));
  await ping(lab, lab.tunnel.serverIp);
  await signalBoxed(foreground, 'SIGTERM');
  assert.equal(await foreground.exited, 0, foreground.stderr.join(''));
  assert.equal(await networkState(lab), before, 'the foreground tunnel put everything back');
  await plain.stop();

  // 2. A machine where systemd runs: installing again (an upgrade to the same version) restarts the
  // service, whose hardening is the unit's own, and which serves a connection from the CLI.
  const booted = await startMachineBox({
    netns: lab.clientNs, dir: join(lab.dir, 'box-systemd'), hide,
    systemd: {
      target: 'postern-box.target',
      units: {
        'postern-box.target': '[Unit]\nDescription=The package test\'s machine\nDefaultDependencies=no\n',
        // What the unit's default dependencies name; empty, so nothing of the host's starts.
        ...Object.fromEntries(['sysinit', 'basic', 'network', 'shutdown', 'multi-user'].map((name) => [`${name}.target`, '[Unit]\nDefaultDependencies=no\n'])),
        // Two additions to the unit, for the box only. No journald here: the helper's output goes
        // to a file (for a failure's message). And its kill switch setting lives in the box, not in
        // the machine's /var/lib/postern/killswitch.json, which other tests' `postern connect` read.
        'postern-helper.service.d/box.conf': '[Service]\nStandardOutput=append:/run/box/helper.log\nStandardError=inherit\n'
          + 'Environment=POSTERN_KILLSWITCH_SETTINGS=/run/box/killswitch.json\nReadWritePaths=/run/box\n',
      },
      links: {
        // By the path deb-systemd-helper's enable link names (/lib or /usr/lib: one folder on a
        // merged /usr), which is what `systemctl is-enabled` compares.
        'postern-helper.service': readlinkSync(ENABLE_LINK),
        // The enable link postinst made in the host's /etc, mirrored into the box's only unit folder
        // (/etc/systemd/system is not one), so `systemctl is-enabled`, and so deb-systemd-invoke, see it.
        'multi-user.target.wants/postern-helper.service': readlinkSync(ENABLE_LINK),
      },
    },
  });
  boxes.push(booted);
  await dpkg(booted, ['-i', DEB]);
  const mainPid = await serviceMainPid(booted);
  assert.ok(mainPid > 0, `postinst started postern-helper:\n${await helperLog(booted)}`);
  const status = (await booted.run(['cat', `/proc/${mainPid}/status`])).stdout;
  assert.match(status, /^CapBnd:\s+0000000000001001$/m, 'capabilities: CAP_NET_ADMIN and CAP_CHOWN only');
  assert.match(status, /^NoNewPrivs:\s+1$/m);
  const commandLine = (await booted.run(['cat', `/proc/${mainPid}/cmdline`])).stdout.split('\0').filter(Boolean);
  assert.deepEqual(commandLine, [RUNTIME, ...HELPER_NODE_FLAGS, '/usr/lib/postern/postern.mjs', 'helper']);
  const environment = (await booted.run(['cat', `/proc/${mainPid}/environ`])).stdout.split('\0');
  for (const [name, value] of Object.entries(HELPER_ENV)) assert.ok(environment.includes(`${name}=${value}`), `${name}=${value} in the helper's environment`);
  const socket = await booted.run(['stat', '-c', '%U:%G %a', '/run/postern/postern.sock']);
  assert.equal(socket.stdout.trim(), 'root:postern 660', 'the socket is the group\'s');
  t.diagnostic(`systemd-analyze security: ${await exposure(booted)}`);

  const killSwitch = await booted.run(['/usr/bin/postern', 'killswitch', 'auto', '--json']);
  assert.equal(killSwitch.code, 0, `${killSwitch.stdout}${killSwitch.stderr}${await helperLog(booted)}`);
  const viaHelper = new PosternProcess(undefined, ['connect', profiles.plain, '--json'], {}, undefined, [...booted.enter, '/usr/bin/postern']);
  await viaHelper.waitForState('connected', 30_000).catch(async (error: unknown) => assert.fail(`${String(error)}\nhelper log:\n${await helperLog(booted)}`));
  // The leak check runs once the kill switch's rules let the tunnel through (the state event may come first).
  const tunnelLeakCheck = await viaHelper.waitForLine((line) => line['type'] === 'leak_check', 40_000);
  assert.equal(tunnelLeakCheck['ok'], true, JSON.stringify(tunnelLeakCheck));
  await ping(lab, lab.tunnel.serverIp);
  assert.match((await lab.exec(lab.clientNs, ['nft', 'list', 'tables'])).stdout, /table inet postern/, 'the kill switch is on');
  assert.match(readFileSync(resolvConfOf(lab), 'utf8'), /^nameserver 10\.99\.0\.53$/m, 'the pushed DNS server, written through ReadWritePaths');

  // 3. Purge with the tunnel up and the kill switch on: the service stops, the tunnel goes down,
  // the table goes, and so does everything the package put on the machine.
  const purge = await dpkg(booted, ['--purge', 'postern']);
  // The helper stopped by prerm kept blocking (auto: a stop is not the user's disconnect); cleanup lifted it.
  assert.match(purge, /postern cleanup: lifted the kill switch/, purge);
  assert.equal(await viaHelper.exited.then(() => 'ended'), 'ended');
  assert.deepEqual(await ourProcesses(booted), [], 'nothing of ours runs');
  const leftInRun = await booted.run(['ls', '-A', '/run/postern']);
  assert.notEqual(leftInRun.code, 0, `/run/postern is gone: ${leftInRun.stdout}`);
  await booted.stop();

  assert.equal(await networkState(lab), before, 'routes, addresses, TUN devices, nftables and resolv.conf as before');
  assert.equal(await installedVersion(), undefined, 'dpkg knows postern no more');
  const left = files.filter((path) => path !== '/.' && existsSync(path) && !lstatSync(path).isDirectory());
  assert.deepEqual(left, [], 'no file of the package is left');
  for (const dir of ['/usr/lib/postern', '/usr/share/doc/postern', STATE_DIR]) assert.equal(existsSync(dir), false, `${dir} is gone`);
  assert.equal(existsSync(ENABLE_LINK), false, 'the enable link is gone');
  assert.deepEqual(readdirRecursive('/var/lib/systemd/deb-systemd-helper-enabled').filter((path) => path.includes('postern')), [], 'systemd\'s records of the unit are gone');
  assert.equal(await getent('postern'), groupBefore, 'the group is gone (or was there before and stays)');

  const report = await lintian;
  t.diagnostic(`lintian: ${report.summary}`);
  assert.deepEqual(report.errors, [], `lintian finds no errors:\n${report.output}`);
});

/** lintian's tags by severity; where lintian is not installed (outside CI), a one-line note instead. */
async function lintianReport(deb: string): Promise<{ errors: string[]; summary: string; output: string }> {
  if (spawnSync('sh', ['-c', 'command -v lintian']).status !== 0) {
    if (process.env['CI']) throw new Error('CI must run lintian on the package, but it is not installed (apt-get install lintian)');
    return { errors: [], summary: 'not installed here (apt-get install lintian), not run', output: '' };
  }
  const result = await run('lintian', ['--display-info', '--show-overrides', deb], { timeoutMs: 300_000 });
  const tags = result.stdout.split('\n').filter((line) => /^[EWIO]: /.test(line));
  const count = (kind: string): number => tags.filter((line) => line.startsWith(`${kind}: `)).length;
  const warnings = [...new Set(tags.filter((line) => line.startsWith('W: ')).map((line) => line.split(' ')[2]))];
  return {
    errors: tags.filter((line) => line.startsWith('E: ')),
    summary: `${count('E')} errors, ${count('W')} warnings (${warnings.join(', ') || 'none'}), ${count('I')} info, ${count('O')} overridden`,
    output: result.stdout,
  };
}

/** The lab client's network, where the tunnels ran, and the host's nftables (which nothing here may touch). */
async function networkState(lab: Lab): Promise<string> {
  const parts: string[] = [];
  for (const argv of [['route'], ['-6', 'route'], ['-o', 'link'], ['rule']]) {
    parts.push(`$ ip ${argv.join(' ')}\n${(await run('ip', ['-n', lab.clientNs, ...argv])).stdout}`);
  }
  parts.push(`$ nft list tables\n${(await lab.exec(lab.clientNs, ['nft', 'list', 'tables'])).stdout}`);
  parts.push(`$ cat resolv.conf\n${readFileSync(resolvConfOf(lab), 'utf8')}`);
  parts.push(`$ nft list tables (host)\n${(await run('nft', ['list', 'tables'])).stdout}`);
  // Duplicate address detection ends on its own schedule; it is not configuration.
  return parts.join('').replaceAll(' tentative', '');
}

/** `ip netns exec` (and so every box) sees this file as /etc/resolv.conf: the host's is never ours to change. */
function resolvConfOf(lab: Lab): string {
  return `/etc/netns/${lab.clientNs}/resolv.conf`;
}

function writeProfiles(lab: Lab): { plain: string; pkcs12: string } {
  const plain = join(lab.dir, 'package-test.ovpn');
  writeFileSync(plain, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
  const passFile = join(lab.dir, 'package-test.pass');
  writeFileSync(passFile, `${lab.pki.pkcs12Password}\n`, { mode: 0o600 });
  const pkcs12 = join(lab.dir, 'package-test-p12.ovpn');
  writeFileSync(pkcs12, lab.clientProfile({ remote: 'link', credentials: 'none', extra: ['<pkcs12>', lab.pki.pkcs12LegacyBase64, '</pkcs12>', `askpass ${passFile}`] }), { mode: 0o600 });
  return { plain, pkcs12 };
}

/** Every `node` the PATH can reach, by its real path (so /bin/node and /usr/bin/node count once). */
function nodeBinaries(): string[] {
  const found = spawnSync('sh', ['-c', 'which -a node nodejs 2>/dev/null'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  return [...new Set(found.map((path) => spawnSync('realpath', [path], { encoding: 'utf8' }).stdout.trim()))];
}

async function installedVersion(): Promise<string | undefined> {
  const status = await run('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Version}', 'postern']);
  return status.code === 0 && status.stdout.startsWith('installed') ? status.stdout.split(' ')[1] : undefined;
}

/** dpkg inside the box; other programs on the machine may hold dpkg's lock for a moment. */
async function dpkg(box: MachineBox, args: readonly string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const result = await box.run(['dpkg', ...args], { timeoutMs: 120_000 });
    if (result.code === 0) return `${result.stdout}${result.stderr}`;
    if (!/lock/i.test(result.stderr) || attempt >= 30) assert.fail(`dpkg ${args.join(' ')} (${result.code}):\n${result.stdout}${result.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function getent(group: string): Promise<string> {
  return (await run('getent', ['group', group])).stdout.trim();
}

/** The pids in the box whose program is the package's runtime (what prerm stops). */
async function ourProcesses(box: MachineBox): Promise<string[]> {
  const result = await box.run(['sh', '-c', `for exe in /proc/[0-9]*/exe; do [ "$(readlink "$exe")" = ${RUNTIME} ] && echo "$exe"; done; true`]);
  return result.stdout.trim().split('\n').filter(Boolean);
}

async function serviceMainPid(box: MachineBox): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const shown = await box.run(['systemctl', 'show', '-p', 'MainPID,ActiveState', '--value', 'postern-helper.service']);
    const [pid = '0', state = ''] = shown.stdout.trim().split('\n');
    const socket = await box.run(['test', '-S', '/run/postern/postern.sock']);
    if (state === 'active' && Number(pid) > 0 && socket.code === 0) return Number(pid);
    if (Date.now() > deadline || state === 'failed') return 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function helperLog(box: MachineBox): Promise<string> {
  const status = await box.run(['systemctl', 'status', '--no-pager', 'postern-helper.service']);
  return `${status.stdout}\n${(await box.run(['cat', '/run/box/helper.log'])).stdout}`;
}

async function exposure(box: MachineBox): Promise<string> {
  const security = await box.run(['env', 'SYSTEMD_COLORS=0', 'systemd-analyze', 'security', '--no-pager', 'postern-helper.service']);
  return /Overall exposure level for \S+: (.+)$/m.exec(security.stdout)?.[1] ?? `not available (${security.stderr.trim().split('\n')[0] ?? security.code})`;
}

/** systemd-analyze verify on the installed unit: syntax, and that ExecStart's program exists. */
async function verifyUnit(t: TestContext): Promise<void> {
  const verified = await run('systemd-analyze', ['verify', '--man=no', UNIT_PATH]);
  const problems = `${verified.stdout}${verified.stderr}`.split('\n').filter((line) => line.includes('postern-helper') || /ExecStart|Unknown|Invalid|Failed/i.test(line));
  assert.equal(verified.code, 0, `systemd-analyze verify:\n${verified.stdout}${verified.stderr}`);
  assert.deepEqual(problems, [], 'systemd-analyze verify finds nothing wrong with the unit');
  t.diagnostic('systemd-analyze verify accepts the unit');
}

async function ping(lab: Lab, address: string): Promise<void> {
  const result = await lab.exec(lab.clientNs, ['ping', '-c', '3', '-i', '0.2', '-W', '2', address], { timeoutMs: 10_000 });
  assert.equal(result.code, 0, `ping ${address} through the tunnel:\n${result.stdout}${result.stderr}`);
}

/** nsenter forks and does not pass signals on: signal the program it started. */
async function signalBoxed(process_: PosternProcess, signal: NodeJS.Signals): Promise<void> {
  const nsenter = process_.child.pid ?? 0;
  const children = readFileSync(`/proc/${nsenter}/task/${nsenter}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const pid of children) process.kill(Number(pid), signal);
}

function readdirRecursive(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name));
}
