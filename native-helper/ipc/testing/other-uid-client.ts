/**
 * Run by ipc-server.test.ts as another user (setpriv --reuid nobody): what does a
 * non-root caller see of a session root started? Prints one JSON object on stdout.
 *
 *   node --import tsx other-uid-client.ts SOCKET observe|own
 *
 * `own` first starts a session of its own (profile "mine"), then does the same.
 * After subscribing it prints "subscribed" and waits for a line on stdin (the test
 * emits root's events meanwhile), then asks for status again: the helper writes in
 * order, so any event of root's session would have arrived before that reply.
 */
import { createInterface } from 'node:readline';
import type { HelperEvent } from '../../api/index';
import { connectToHelper } from '../../client/socket-client';

const socketPath = process.argv[2] ?? '';
const ownSession = process.argv[3] === 'own';
const helper = await connectToHelper(socketPath, { client: 'other-uid-test' });
if (!helper.ok) {
  process.stdout.write(`${JSON.stringify({ failed: helper.error })}\n`);
  process.exit(1);
}
const { connection, hello } = helper.value;
const events: HelperEvent[] = [];
connection.onEvent((event) => events.push(event));
const own = ownSession ? await connection.call('tunnel.connect', { profile: { name: 'mine', text: 'client\n' } }) : undefined;
const subscribe = await connection.call('events.subscribe', {});
process.stdout.write('subscribed\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
const status = await connection.call('tunnel.status', {});
const log = await connection.call('log.recent', {});
const answer = await connection.call('auth.answer', { promptId: 'p1', response: 'x' });
const connect = await connection.call('tunnel.connect', { profile: { name: 'mine', text: 'client\n' } });
const disconnect = await connection.call('tunnel.disconnect', {});
connection.close();
process.stdout.write(`${JSON.stringify({ uid: hello.uid, own, subscribe, status, disconnect, answer, connect, log, events })}\n`);
