import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createLabNetwork, destroyLabNetwork } from '../../e2e/lab/netns';
import { labTest } from '../../e2e/lab/lab-test';
import { run } from '../../e2e/lab/run';

// core's node:dgram link when the client's address moves (in the lab's client namespace,
// a node:dgram echo in the server namespace): the send that finds its source gone is
// counted, the socket connects again, and the next datagram leaves from the new address.

const ECHO = "const s=require('node:dgram').createSocket('udp4');s.on('message',(m,r)=>{s.send(m,r.port,r.address);console.log(r.address)});s.bind(5199,process.argv[1]);";

labTest('udp-link: after the client\'s address moves, the socket follows it and echoes come back', { timeout: 60_000 }, async (t) => {
  const net = await createLabNetwork();
  const echo = spawn('ip', ['netns', 'exec', net.serverNs, process.execPath, '-e', ECHO, net.link.serverIp], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(async () => {
    echo.kill();
    await destroyLabNetwork(net);
  });
  const senders = new Set<string>();
  echo.stdout?.on('data', (chunk: Buffer) => { for (const line of chunk.toString().split('\n')) if (line) senders.add(line.trim()); });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the echo binds; the child retries for 4 s anyway
  const moved = net.link.clientIp.replace(/\.2$/, '.3');
  const child = await run('ip', ['netns', 'exec', net.clientNs, process.execPath, '--import', 'tsx', 'e2e/lab/udp-source-change-child.ts',
    net.link.serverIp, '5199', net.link.clientInterface, net.link.clientIp, moved], { timeoutMs: 30_000 });
  assert.equal(child.code, 0, child.stderr);
  const seen = JSON.parse(child.stdout) as { echoes: string[]; drops: string[]; reconnects: string[] };
  t.diagnostic(JSON.stringify({ ...seen, senders: [...senders] }));
  assert.ok(seen.echoes.includes('before'));
  assert.ok(seen.echoes.some((e) => e.startsWith('after')), 'an echo came back after the move');
  assert.deepEqual(seen.reconnects, ['source_lost']);
  assert.ok(seen.drops.every((d) => d === 'udp.ENETUNREACH' || d === 'udp.EINVAL' || d === 'udp.EADDRNOTAVAIL' || d === 'udp.reconnecting'), JSON.stringify(seen.drops));
  assert.ok(senders.has(moved), `the server saw the new address (${[...senders].join(', ')})`);
});
