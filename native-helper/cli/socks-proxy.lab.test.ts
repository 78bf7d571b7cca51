import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab } from '../../e2e/lab/lab';
import { labToolSkipReason } from '../../e2e/lab/prerequisites';
import { startSocksProxy } from '../../e2e/lab/socks-proxy';
import { PosternProcess } from './testing/postern-process';

// `postern connect` (as root, in the client namespace, as connect-command.lab.test.ts runs it)
// with a profile whose socks-proxy line names an authfile beside it, through a real dante with
// username sign-in. The remote is the server's host-link address, which the client namespace
// has no route to: only dante, in the server namespace, reaches it.
const skip = labToolSkipReason('danted', 'dante-server');

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
