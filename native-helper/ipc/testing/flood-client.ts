/**
 * Run by the shared-machine lab test as a member of the helper's group: a user who
 * tries to take the helper from everyone else. Prints one JSON line when it is in place,
 * then holds everything until stdin closes.
 *
 *   node --import tsx flood-client.ts SOCKET idle N     N connections that say hello and then nothing
 *   node --import tsx flood-client.ts SOCKET unread N   one connection that sends N status requests and never reads
 */
import { HELPER_PROTOCOL_VERSION } from '../../api/index';
import { RawClient } from './raw-client';

const [socketPath = '', mode = 'idle', countText = '1'] = process.argv.slice(2);
const count = Number(countText);
const clients: RawClient[] = [];
const refusals: Record<string, number> = {};

if (mode === 'idle') {
  for (let i = 0; i < count; i++) {
    const client = await RawClient.open(socketPath);
    clients.push(client);
    client.send('hello', { protocolVersion: HELPER_PROTOCOL_VERSION, client: `idle-${i}` });
  }
  // Let every hello (or refusal) arrive before saying how it went.
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const client of clients) {
    for (const message of client.messages as Array<{ ok?: boolean; error?: { code: string } }>) {
      if (message.ok === false && message.error) refusals[message.error.code] = (refusals[message.error.code] ?? 0) + 1;
    }
  }
} else {
  const client = await RawClient.open(socketPath);
  clients.push(client);
  await client.hello();
  client.socket.pause();
  for (let i = 0; i < count; i++) client.send('tunnel.status', {});
}
process.stdout.write(`${JSON.stringify({ connections: clients.length, refusals })}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  for (const client of clients) client.close();
  process.exit(0);
});
