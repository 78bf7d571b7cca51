import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { startLab, type Lab } from '../e2e/lab/lab';
import { run } from '../e2e/lab/run';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../native-helper/service/runtime-flags';

/**
 * Seconds from a change of the client's address (the old one removed, a new one in the same
 * /24 added on its link to the server) to the first ping answered through the tunnel, for
 * `postern connect` and the Debian openvpn 2.6 client, same lab, same run, UDP and TCP.
 * Pings go at 10/s all along, so the figure has 0.1 s of resolution. The server runs
 * `keepalive 5 15` (as the first measurement of issue 14 did): a client that waits for
 * ping-restart is back after about 15 s plus a reconnect.
 *
 * And, on UDP, a freeze: the client process stopped (SIGSTOP) for longer than the server keeps
 * a silent client (2 × 15 s), then continued; seconds from SIGCONT to the first answer. (A real
 * suspend stops CLOCK_MONOTONIC too, which a lab cannot do; the helper's clock comparison and
 * VpnClient.woke cover that case, proven in core/client/resilience.lab.test.ts.)
 */

const GIVE_UP_MS = 60_000;

interface RunningClient {
  pid: number;
  stop(): Promise<void>;
}

/** What happens to the client; resolves with the moment (epoch seconds) it is over and recovery starts. */
type Disturbance = (lab: Lab, client: RunningClient) => Promise<number>;

const FREEZE_MS = 35_000;

export async function benchAddressChange(): Promise<object> {
  const result: Record<string, object> = {};
  for (const proto of ['udp', 'tcp'] as const) {
    const lab = await startLab({ proto, serverConfig: ['keepalive 5 15'] });
    try {
      const profile = `${lab.dir}/bench.ovpn`;
      writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
      const events: Array<[string, Disturbance]> = [['addressChange', moveAway], ...(proto === 'udp' ? [['freeze', freeze] as [string, Disturbance]] : [])];
      for (const [name, disturb] of events) {
        process.stderr.write(`bench: ${proto} ${name}\n`);
        const openvpn = await measureOnce(lab, () => startOpenvpn(lab, profile), disturb);
        const postern = await measureOnce(lab, () => startPostern(lab, profile), disturb);
        result[`${proto}${name === 'freeze' ? 'Freeze' : ''}`] = {
          openvpnSeconds: openvpn, posternSeconds: postern,
          ratio: openvpn !== null && postern !== null ? Number((openvpn / Math.max(postern, 0.001)).toFixed(3)) : null,
        };
      }
    } finally {
      await lab.stop();
    }
  }
  return {
    lab: { server: 'keepalive 5 15', pingsPerSecond: 10, giveUpSeconds: GIVE_UP_MS / 1000, freezeSeconds: FREEZE_MS / 1000 },
    ...result,
    ratioMeaning: 'openvpn ÷ Postern seconds: above 1 = Postern back sooner; null seconds = no answer within giveUpSeconds',
    goal: 'UDP ≤ 1 s, TCP ≤ 3 s, never slower than openvpn',
  };
}

/** One client: connect, ping steadily, disturb it, time the first answer after, put everything back. */
async function measureOnce(lab: Lab, start: () => Promise<RunningClient>, disturb: Disturbance): Promise<number | null> {
  const client = await start();
  const ping = spawn('ip', ['netns', 'exec', lab.clientNs, 'ping', '-D', '-n', '-i', '0.1', '-W', '1', lab.tunnel.serverIp], { stdio: ['ignore', 'pipe', 'ignore'] });
  const replies = collectReplies(ping);
  try {
    if (!(await until(() => replies.length >= 10, 20_000))) throw new Error('bench: no steady pings through the tunnel before the change');
    const lastSeqBefore = replies.at(-1)?.seq ?? 0;
    const changedAtSeconds = await disturb(lab, client);
    const answered = (): { atSeconds: number } | undefined => replies.find((r) => r.seq > lastSeqBefore && r.atSeconds > changedAtSeconds);
    await until(() => answered() !== undefined, GIVE_UP_MS);
    const first = answered();
    return first ? Number((first.atSeconds - changedAtSeconds).toFixed(3)) : null;
  } finally {
    ping.kill();
    process.kill(client.pid, 'SIGCONT');
    await client.stop();
    if (disturb === moveAway) await moveAddress(lab, moved(lab), lab.link.clientIp);
  }
}

const moveAway: Disturbance = async (lab) => {
  const at = Date.now() / 1000;
  await moveAddress(lab, lab.link.clientIp, moved(lab));
  return at;
};

/** Stopped past the server's patience, then continued: the moment of SIGCONT. */
const freeze: Disturbance = async (_lab, client) => {
  process.kill(client.pid, 'SIGSTOP');
  await new Promise((resolve) => setTimeout(resolve, FREEZE_MS));
  process.kill(client.pid, 'SIGCONT');
  return Date.now() / 1000;
};

function moved(lab: Lab): string {
  return lab.link.clientIp.replace(/\.2$/, '.3');
}

async function moveAddress(lab: Lab, from: string, to: string): Promise<void> {
  const dev = lab.link.clientInterface;
  await run('ip', ['-n', lab.clientNs, 'addr', 'del', `${from}/24`, 'dev', dev]);
  await run('ip', ['-n', lab.clientNs, 'addr', 'add', `${to}/24`, 'dev', dev]);
}

/** `ping -D` lines: "[1700000000.123456] 64 bytes from 10.1.2.1: icmp_seq=5 ttl=64 time=0.5 ms". */
function collectReplies(ping: ChildProcess): Array<{ seq: number; atSeconds: number }> {
  const replies: Array<{ seq: number; atSeconds: number }> = [];
  let buffered = '';
  ping.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)/.exec(line);
      if (match) replies.push({ atSeconds: Number(match[1]), seq: Number(match[2]) });
    }
  });
  return replies;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function startOpenvpn(lab: Lab, profile: string): Promise<RunningClient> {
  const client = lab.startOpenvpnClient({ profile: readFileSync(profile, 'utf8') });
  await client.waitConnected(20_000);
  return { pid: client.child.pid ?? 0, stop: () => client.stop() };
}

/** `postern connect --json` from the bundle (dist/postern.mjs, built by `npm run bench`). */
async function startPostern(lab: Lab, profile: string): Promise<RunningClient> {
  // Started as the packaged helper is (service/runtime-flags.ts); `ip netns exec` execs, so the pid is node's.
  const child = spawn('ip', ['netns', 'exec', lab.clientNs, process.execPath, ...HELPER_NODE_FLAGS, 'dist/postern.mjs', 'connect', profile, '--json'],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...HELPER_ENV } });
  let seen = '';
  child.stdout?.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
  if (!(await until(() => seen.includes('"state":"connected"') || child.exitCode !== null, 20_000)) || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error('bench: postern did not connect');
  }
  return {
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
