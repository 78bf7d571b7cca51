import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { labTest } from '../../e2e/lab/lab-test';
import { startManagedLab } from '../../e2e/lab/managed-lab';
import { LAB_GROUP, asUser, labUsers, userFolder } from '../../e2e/lab/lab-users';
import { PosternProcess } from './testing/postern-process';

// `postern diagnostics`: a real session through the helper with every kind of secret a session
// has — a password, a static-challenge answer, an auth-token the server pushed (a known one,
// pushed through management's client-auth, so the test can look for it; auth-gen-token's is never
// shown to the server's operator), and the profile's inline private key — then the archive, searched for each of them plain,
// base64 and hex. None may be there: the archive is built from typed data that never holds one.

const PASSWORD = 'Tr0ub4dor&3-diagnostics';
const ANSWER = '918273';
const TOKEN = 'SESS_ID_diagnostics_7f3a9c2e51b04d68';

labTest('diagnostics: the archive has the logs, versions, routes, DNS, firewall table, connection and verdict, and no secret of the session', { timeout: 120_000 }, async (t) => {
  const { member } = labUsers();
  const { lab, management } = await startManagedLab();
  const folder = userFolder(member, 'postern-diag-');
  const socketDir = mkdtempSync(join(tmpdir(), 'postern-diag-sock-'));
  chmodSync(socketDir, 0o755);
  const socketPath = join(socketDir, 'postern.sock');
  const helper = new PosternProcess(lab.clientNs, ['helper', '--socket', socketPath, '--group', LAB_GROUP], { POSTERN_KILLSWITCH_SETTINGS: join(lab.dir, 'killswitch.json') });
  const processes: PosternProcess[] = [];
  t.after(async () => {
    for (const process of processes) await process.stop('SIGKILL');
    await helper.stop('SIGTERM');
    await lab.exec(lab.clientNs, ['nft', 'delete', 'table', 'inet', 'postern']).catch(() => undefined);
    await lab.stop();
    rmSync(folder, { recursive: true, force: true });
    rmSync(socketDir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 15_000;
  while (!(existsSync(socketPath) && helper.stderr.join('').includes('listening on'))) {
    assert.ok(Date.now() < deadline, `the helper did not start:\n${helper.stderr.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // Every sign-in is let in, the first with a token pushed; later ones (renegotiations) carry it.
  const signIns: string[] = [];
  management.onEvent((event) => {
    if (event.kind !== 'client' || !['CONNECT', 'REAUTH'].includes(event.type)) return;
    signIns.push(event.env['password'] ?? '');
    void management.clientAuth(event.cid, event.kid ?? 0, [`push "auth-token ${TOKEN}"`]);
  });
  const profileText = lab.clientProfile({ remote: 'link', extra: ['auth-user-pass', 'static-challenge "Enter your code" 1', 'reneg-sec 3'] });
  const profilePath = join(folder, 'office.ovpn');
  writeFileSync(profilePath, profileText, { mode: 0o600 });
  chownSync(profilePath, member.uid, member.gid);

  const connect = new PosternProcess(undefined, ['connect', profilePath, '--json', '--socket', socketPath], {}, (argv) => asUser(member, argv, { POSTERN_SOCKET: socketPath }));
  processes.push(connect);
  const asked = await connect.waitForLine((line) => line['type'] === 'prompt' && line['kind'] === 'static_challenge');
  connect.send({ id: asked['id'], username: 'dana', password: PASSWORD, response: ANSWER });
  await connect.waitForState('connected', 30_000);
  // A renegotiation signs in with the token: wait until the server has seen it.
  const waitUntil = Date.now() + 20_000;
  while (!signIns.includes(TOKEN)) {
    assert.ok(Date.now() < waitUntil, `no sign-in with the token: ${signIns.length} sign-ins`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const [scrv1 = ''] = signIns;
  assert.match(scrv1, /^SCRV1:/, 'the first sign-in carried the password and the answer');
  const token = TOKEN;

  // As root in the client namespace: every user's log lines and the firewall table.
  const archivePath = join(folder, 'diagnostics.tar.gz');
  const diagnostics = new PosternProcess(lab.clientNs, ['diagnostics', archivePath, '--profile', profilePath, '--socket', socketPath]);
  processes.push(diagnostics);
  assert.equal(await diagnostics.exited, 0, diagnostics.stderr.join(''));

  const unpacked = mkdtempSync(join(tmpdir(), 'postern-diag-out-'));
  t.after(() => rmSync(unpacked, { recursive: true, force: true }));
  const untar = spawnSync('tar', ['-xzf', archivePath, '-C', unpacked], { encoding: 'utf8' });
  assert.equal(untar.status, 0, `tar reads the archive: ${untar.stderr}`);
  const root = join(unpacked, 'postern-diagnostics');
  const files = readdirSync(root, { recursive: true }).map(String).filter((name) => !name.endsWith('network')).sort();
  assert.deepEqual(files, ['README.txt', 'helper-log.txt', 'network/nftables-postern.txt', 'network/resolv.conf', 'network/routes-ipv4.txt', 'network/routes-ipv6.txt', 'profiles.json', 'summary.json']);
  const read = (name: string): string => readFileSync(join(root, name), 'utf8');

  const summary = JSON.parse(read('summary.json')) as {
    versions: Record<string, string>; helper: { reachable: boolean; session: { state: string; profileName: string; tunnel: { tunName: string; ipv4: string } } }; lastLeakCheck: unknown;
  };
  for (const key of ['postern', 'node', 'openssl', 'kernel', 'distribution', 'helper', 'helperProtocol']) assert.ok(summary.versions[key], `version of ${key}`);
  assert.equal(summary.versions['openssl'], process.versions.openssl);
  assert.equal(summary.helper.session.state, 'connected');
  const tun = summary.helper.session.tunnel.tunName;
  assert.match(read('network/routes-ipv4.txt'), new RegExp(`dev ${tun}`), 'the routes as they are, the tunnel\'s included');
  assert.match(read('helper-log.txt'), /\S/, 'the helper\'s log lines');
  assert.match(read('network/resolv.conf'), /\S/);
  const profiles = JSON.parse(read('profiles.json')) as Array<{ fileName: string; connectable: boolean; summary: { asks: string[] } }>;
  assert.equal(profiles[0]?.fileName, 'office.ovpn');
  assert.equal(profiles[0]?.connectable, true);

  // The secrets: each as typed, in base64 and in hex; the key by its PEM body lines and its DER bytes.
  const keyBody = /-----BEGIN [A-Z ]*PRIVATE KEY-----\n([\s\S]+?)\n-----END/.exec(profileText)?.[1] ?? '';
  assert.ok(keyBody.length > 100, 'the profile carries an inline private key');
  const keyLines = keyBody.split('\n').filter((line) => line.length >= 40);
  const der = Buffer.from(keyBody.replace(/\s+/g, ''), 'base64');
  const secrets = [PASSWORD, ANSWER, token, scrv1, ...keyLines];
  const forms = (secret: string): string[] => [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('hex').toUpperCase()];
  const derSlices = [der.subarray(der.length - 48, der.length - 16), der.subarray(40, 72)].flatMap((slice) => [slice.toString('hex'), slice.toString('hex').toUpperCase(), slice.toString('base64')]);
  const archiveText = gunzipSync(readFileSync(archivePath)).toString('latin1');
  const unpackedText = files.map(read).join('\n');
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      assert.equal(archiveText.includes(form), false, `a secret (${secret.length} chars) is in the archive`);
      assert.equal(unpackedText.includes(form), false, `a secret (${secret.length} chars) is in an unpacked file`);
    }
  }
  for (const form of derSlices) assert.equal(archiveText.includes(form), false, 'key material is in the archive');
  // Nor anything of the key or a certificate in PEM form.
  assert.doesNotMatch(archiveText, /BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE|OpenVPN Static key)/);

  const disconnect = new PosternProcess(undefined, ['disconnect', '--socket', socketPath], {}, (argv) => asUser(member, argv, { POSTERN_SOCKET: socketPath }));
  processes.push(disconnect);
  assert.equal(await disconnect.exited, 0);
});
