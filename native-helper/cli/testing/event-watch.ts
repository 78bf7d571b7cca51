/**
 * Run by lab tests as a member of the helper's group: a client that subscribes late, as an
 * app started while a tunnel is up does. Prints one JSON line with what subscribing answered
 * ({"type":"subscribed","session":…}), then every event as the socket carries it, until
 * stdin closes or the helper goes away.
 *
 *   node --import tsx event-watch.ts SOCKET
 */
import { connectToHelper } from '../../client/socket-client';

const [socketPath = ''] = process.argv.slice(2);
const opened = await connectToHelper(socketPath, { client: 'event-watch' });
if (!opened.ok) {
  process.stderr.write(`${opened.error.code}: ${opened.error.message}\n`);
  process.exit(1);
}
const { connection } = opened.value;
connection.onEvent((event) => process.stdout.write(`${JSON.stringify(event)}\n`));
connection.onClosed(() => process.exit(1));
const subscribed = await connection.call('events.subscribe', {});
if (!subscribed.ok) {
  process.stderr.write(`${subscribed.error.code}: ${subscribed.error.message}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ type: 'subscribed', session: subscribed.value.session })}\n`);
process.stdin.resume();
process.stdin.once('end', () => {
  opened.value.close();
  process.exit(0);
});
