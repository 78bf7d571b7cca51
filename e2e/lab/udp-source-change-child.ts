// Lab child (run in a client namespace by core/transport/udp-link.lab.test.ts): core's
// node:dgram UDP link sends, the client's address moves, it sends again; prints what it saw as JSON.
import { execFileSync } from 'node:child_process';
import { openUdpLink } from '../../core/transport/udp-link';

const [server = '', port = '0', device = '', from = '', to = ''] = process.argv.slice(2);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const echoes: string[] = [];
const drops: string[] = [];
const reconnects: string[] = [];
const link = await openUdpLink(server, Number(port), 4, {
  onPacket: (packet) => echoes.push(packet.toString()), onDrop: (reason) => drops.push(reason),
  onClosed: () => undefined, onReconnected: (cause) => reconnects.push(cause),
});
link.send(Buffer.from('before'));
await sleep(300);
execFileSync('ip', ['addr', 'del', `${from}/24`, 'dev', device]);
execFileSync('ip', ['addr', 'add', `${to}/24`, 'dev', device]);
// The first send after the move finds the source gone; a later one leaves from the new address.
for (let i = 0; i < 20 && !echoes.includes(`after${i - 1}`); i++) {
  link.send(Buffer.from(`after${i}`));
  await sleep(200);
}
link.close();
process.stdout.write(JSON.stringify({ echoes, drops, reconnects }));
