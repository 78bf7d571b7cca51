// The management client against a scripted stand-in for OpenVPN's side of the socket
// (lines as doc/management-notes.txt shows them); the lab test proves it against openvpn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient, quoteArgument } from './management';

async function fakeServer(t: { after(fn: () => unknown): void }, onLine: (line: string, socket: Socket) => void): Promise<{ path: string; sockets: Socket[] }> {
  const path = join(mkdtempSync(join(tmpdir(), 'postern-mgmt-')), 'mgmt.sock');
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.write('>INFO:OpenVPN Management Interface Version 5 -- type \'help\' for more info\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) onLine(line, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { path, sockets };
}

test('single-line and END-terminated replies, in order, with real-time lines interleaved', async (t) => {
  const { path } = await fakeServer(t, (line, socket) => {
    if (line === 'status') socket.write('OpenVPN CLIENT LIST\r\n>LOG:1,I,something\r\nUpdated,now\r\nEND\r\n');
    else if (line === 'bogus') socket.write('ERROR: unknown command, enter \'help\' for more options\r\n');
    else socket.write(`SUCCESS: ${line}\r\n`);
  });
  const client = await ManagementClient.connect(path);
  t.after(() => client.close());
  const [status, bogus, pid] = await Promise.all([client.command('status'), client.command('bogus'), client.command('pid')]);
  assert.deepEqual(status, ['OpenVPN CLIENT LIST', 'Updated,now', 'END']);
  assert.match(bogus[0] ?? '', /^ERROR:/);
  assert.deepEqual(pid, ['SUCCESS: pid']);
  await assert.rejects(client.commandOk('bogus'), /ERROR: unknown command/);
  assert.ok(client.events.some((e) => e.kind === 'notification' && e.type === 'LOG' && e.text === '1,I,something'));
});

test('CLIENT:CONNECT with its ENV block becomes one event; helpers send the right commands', async (t) => {
  const sent: string[] = [];
  const { path, sockets } = await fakeServer(t, (line, socket) => {
    sent.push(line);
    if (line !== 'push-option' && line !== 'END') socket.write('SUCCESS: ok\r\n');
  });
  const client = await ManagementClient.connect(path);
  t.after(() => client.close());
  const connected = client.waitForClientEvent('CONNECT', 2_000);
  sockets[0]?.write('>CLIENT:CONNECT,7,1\r\n>CLIENT:ENV,username=alice\r\n>CLIENT:ENV,IV_SSO=webauth,openurl\r\n>CLIENT:ENV,END\r\n>CLIENT:ADDRESS,7,10.8.0.2,1\r\n');
  const event = await connected;
  assert.deepEqual(event, { kind: 'client', type: 'CONNECT', cid: 7, kid: 1, args: ['7', '1'], env: { username: 'alice', IV_SSO: 'webauth,openurl' } });
  const address = await client.waitForClientEvent('ADDRESS', 2_000);
  assert.equal(address.kid, undefined);
  await client.clientAuthNt(7, 1);
  await client.clientDeny(7, 1, 'bad password', 'Wrong "password"');
  await client.clientPendingAuth(7, 1, 'CR_TEXT:E,R:Enter your code', 60);
  await client.clientAuth(7, 1, ['push-option']);
  assert.deepEqual(sent, [
    'client-auth-nt 7 1',
    'client-deny 7 1 "bad password" "Wrong \\"password\\""',
    'client-pending-auth 7 1 "CR_TEXT:E,R:Enter your code" 60',
    'client-auth 7 1', 'push-option', 'END',
  ]);
});

test('commands queued before the greeting are sent after it; a closed socket rejects waiters', async (t) => {
  const { path, sockets } = await fakeServer(t, (line, socket) => socket.write(`SUCCESS: ${line}\r\n`));
  const client = ManagementClient.open(path);
  assert.deepEqual(await client.command('pid'), ['SUCCESS: pid']);
  const waiting = client.waitForEvent(() => false, 5_000);
  sockets[0]?.destroy();
  await assert.rejects(waiting, /closed/);
  await assert.rejects(client.command('pid'), /closed/);
  assert.equal(quoteArgument('WEB_AUTH::https://example.org/x?y=1'), '"WEB_AUTH::https://example.org/x?y=1"');
  assert.equal(quoteArgument('HALT'), 'HALT');
});
