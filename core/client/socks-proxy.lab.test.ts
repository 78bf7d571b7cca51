import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../e2e/lab/lab';
import { connectLabClient } from '../../e2e/lab/lab-client';
import { labToolSkipReason } from '../../e2e/lab/prerequisites';
import { startSocksProxy } from '../../e2e/lab/socks-proxy';
import type { ClientPhaseChange } from './vpn-client';
import type { AuthPrompt } from '../auth/auth-prompt';
import { Secret } from '../wire/secret';

// A real dante in the server namespace (e2e/lab/socks-proxy.ts). The client is core's, in the
// root namespace, and names the server by its client-link address, which only dante can reach:
// a session at all proves the proxy carried it, and the server's log names dante's address.
const skip = labToolSkipReason('danted', 'dante-server');

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('UDP through dante\'s UDP ASSOCIATE relay (no sign-in): pings answered, the server saw dante\'s address', { skip, timeout: 90_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp' });
  t.after(() => lab.stop());
  const proxy = await startSocksProxy(lab, { auth: 'none' });
  t.after(() => proxy.stop());
  const client = await connectLabClient(lab, { endpoint: { host: lab.link.serverIp, port: lab.port }, socksProxy: { host: proxy.host, port: proxy.port } });
  t.after(() => client.stop());
  const pings = await client.ping({ count: 5 });
  t.diagnostic(`answered ${pings.answered}/${pings.sent}`);
  assert.ok(pings.answered >= 3, `answered ${pings.answered}/${pings.sent}`);
  await lab.waitForLog(new RegExp(`Peer Connection Initiated with \\[AF_INET6?\\](::ffff:)?${escape(proxy.external)}:\\d+`), 10_000);
  assert.match(await proxy.waitForLog(/udpassociate/), /udpassociate/);
});

test('TCP through dante\'s CONNECT with username and password; a wrong password ends each attempt with proxy.auth_rejected', { skip, timeout: 120_000 }, async (t) => {
  const lab = await startLab({ proto: 'tcp' });
  t.after(() => lab.stop());
  const proxy = await startSocksProxy(lab, { auth: 'username' });
  t.after(() => proxy.stop());
  const user = proxy.user;
  assert.ok(user);
  const endpoint = { host: lab.link.serverIp, port: lab.port };

  const refused = await connectLabClient(lab, { endpoint, connectTimeoutMs: 8_000, socksProxy: { host: proxy.host, port: proxy.port, username: user.name, password: new Secret('FAKE-wrong') } })
    .then(async (c) => { await c.stop(); return []; }, (error: { phases?: ClientPhaseChange[] }) => error.phases ?? []);
  const codes = new Set(refused.flatMap((p) => (p.reason ? [p.reason.code] : [])));
  assert.ok(codes.has('proxy.auth_rejected'), `end codes: ${[...codes].join(', ')}`);
  assert.ok(!lab.serverLog().includes(proxy.external), 'nothing reached the server');

  const client = await connectLabClient(lab, { endpoint, socksProxy: { host: proxy.host, port: proxy.port, username: user.name, password: new Secret(user.password) } });
  t.after(() => client.stop());
  const pings = await client.ping({ count: 5 });
  t.diagnostic(`answered ${pings.answered}/${pings.sent}`);
  assert.ok(pings.answered >= 3, `answered ${pings.answered}/${pings.sent}`);
  await lab.waitForLog(new RegExp(`Peer Connection Initiated with \\[AF_INET6?\\](::ffff:)?${escape(proxy.external)}:\\d+`), 10_000);
  assert.match(await proxy.waitForLog(/tcp\/connect/), /tcp\/connect/);
  assert.ok(!proxy.log().includes(user.password) && !client.logs.some((l) => l.message.includes(user.password)), 'the password is in no log');
});

test('socks-proxy … stdin: the proxy\'s username and password are asked before the first connect; a refused answer is asked again', { skip, timeout: 120_000 }, async (t) => {
  const lab = await startLab({ proto: 'udp' });
  t.after(() => lab.stop());
  const proxy = await startSocksProxy(lab, { auth: 'username' });
  t.after(() => proxy.stop());
  const user = proxy.user;
  assert.ok(user);
  const asked: AuthPrompt[] = [];
  const client = await connectLabClient(lab, {
    endpoint: { host: lab.link.serverIp, port: lab.port },
    socksProxy: { host: proxy.host, port: proxy.port, askCredentials: true },
    connectTimeoutMs: 60_000,
    onPrompt: (prompt, vpn) => {
      asked.push(prompt);
      // The first answer is wrong: the proxy refuses it, and the next attempt asks again.
      const password = asked.length === 1 ? 'FAKE-wrong' : user.password;
      assert.ok(vpn.answerPrompt(prompt.id, { username: user.name, password: new Secret(password) }).ok);
    },
  });
  t.after(() => client.stop());
  assert.deepEqual(asked.map((p) => [p.kind, p.needs.username, p.needs.password]), [['proxy_credentials', true, true], ['proxy_credentials', true, true]]);
  assert.ok(asked.every((p) => p.text.includes(`${proxy.host}:${proxy.port}`)), 'the question names the proxy');
  assert.ok(client.phases.some((p) => p.reason?.code === 'proxy.auth_rejected'), 'the wrong answer was refused by the proxy');
  const pings = await client.ping({ count: 5 });
  assert.ok(pings.answered >= 3, `answered ${pings.answered}/${pings.sent}`);
  assert.ok(!proxy.log().includes(user.password) && !client.logs.some((l) => l.message.includes(user.password)), 'the password is in no log');
});
