import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { startLab, type Lab } from '../e2e/lab/lab';
import { run } from '../e2e/lab/run';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../native-helper/service/runtime-flags';
import { kilobytes } from './proc-stats';

/**
 * A long session as a laptop lives it, compressed: `postern connect` (the bundle, started as
 * the helper ships) under steady iperf3 traffic, the server renegotiating every 20 s, the
 * server restarted and the client's address moved a few times, pings through the tunnel
 * throughout. What it reports: RSS and open descriptors at the start and the end (and the
 * peak), renegotiations, reconnects and their causes, pings lost, throughput, and whether
 * the session was ever lost for good.
 */
export interface SoakOptions {
  minutes?: number;
  /** Steady iperf3 rate; a steady load, not a flood, so the machine stays responsive. */
  rateMbit?: number;
}

interface Sample {
  rssBytes: number;
  fds: number;
}

const PING_INTERVAL_S = 0.2;
const IPERF_CHUNK_S = 60;

export async function benchSoak(options: SoakOptions = {}): Promise<object> {
  const minutes = options.minutes ?? 30;
  const durationMs = minutes * 60_000;
  const rateMbit = options.rateMbit ?? 50;
  const lab = await startLab({ proto: 'udp', serverConfig: ['reneg-sec 20', 'explicit-exit-notify 1'] });
  try {
    const profile = `${lab.dir}/soak.ovpn`;
    writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
    const client = startPostern(lab, profile);
    await client.connected;
    const pid = client.child.pid ?? 0;
    const start = sample(pid);
    const startedAt = Date.now();
    const deadline = startedAt + durationMs;
    const pings = lab.exec(lab.clientNs, ['ping', '-q', '-i', String(PING_INTERVAL_S), '-W', '1', '-w', String(Math.round(durationMs / 1000)), lab.tunnel.serverIp],
      { timeoutMs: durationMs + 30_000 });
    const traffic = steadyTraffic(lab, deadline, rateMbit);
    const events = disturb(lab, startedAt, durationMs);
    let peakFds = start.fds;
    // RSS right after connecting is before any load: the first minutes grow the heap to its
    // working size. Drift is measured from the end of that warm-up (a tenth of the run, at
    // least 2 minutes in), so growth over the day shows apart from getting warm.
    const warmUpAt = startedAt + Math.max(120_000, durationMs / 10);
    let warm: Sample | undefined;
    while (Date.now() < deadline && client.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      if (client.child.exitCode !== null) break;
      const now = sample(pid);
      peakFds = Math.max(peakFds, now.fds);
      if (warm === undefined && Date.now() >= warmUpAt) warm = now;
    }
    const [pingResult, moved, carried] = await Promise.all([pings, events, traffic]);
    const alive = client.child.exitCode === null;
    const end = alive ? sample(pid) : { rssBytes: 0, fds: 0 };
    const peakRssBytes = alive ? kilobytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') * 1024 : 0;
    // Read before our own stop says "disconnected".
    const sessionLost = !alive || client.lines.some((line) => line['type'] === 'state' && line['state'] === 'disconnected');
    await client.stop();
    const transmitted = Number(/(\d+) packets transmitted/.exec(pingResult.stdout)?.[1] ?? 0);
    const received = Number(/(\d+) received/.exec(pingResult.stdout)?.[1] ?? 0);
    const reconnects = client.lines.filter((line) => line['type'] === 'reconnected');
    return {
      minutes,
      server: { renegSeconds: 20, restarts: moved.restarts, renegotiations: (lab.serverLog().match(/soft reset/gi) ?? []).length },
      client: { addressChanges: moved.addressChanges },
      sessionLost,
      rss: {
        startBytes: start.rssBytes, afterWarmUpBytes: warm?.rssBytes ?? null, endBytes: end.rssBytes, peakBytes: peakRssBytes,
        driftAfterWarmUpBytes: warm ? end.rssBytes - warm.rssBytes : null,
      },
      openDescriptors: { start: start.fds, end: end.fds, peak: peakFds },
      reconnects: {
        count: reconnects.length,
        byReason: countBy(reconnects.map((line) => (line['reason'] as { code: string }).code)),
        tookMs: reconnects.map((line) => line['tookMs']),
      },
      pings: { sent: transmitted, answered: received, lost: transmitted - received },
      traffic: { rateMbit, bytes: carried.bytes, averageBitsPerSecond: Math.round((carried.bytes * 8) / (durationMs / 1000)), failedChunks: carried.failedChunks },
    };
  } finally {
    await lab.stop();
  }
}

interface RunningPostern {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  connected: Promise<void>;
  stop(): Promise<void>;
}

function startPostern(lab: Lab, profile: string): RunningPostern {
  const child = spawn('ip', ['netns', 'exec', lab.clientNs, process.execPath, ...HELPER_NODE_FLAGS, 'dist/postern.mjs', 'connect', profile, '--json'],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...HELPER_ENV } });
  const lines: Array<Record<string, unknown>> = [];
  let buffered = '';
  let onConnected = (): void => undefined;
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('soak: postern did not connect in time')), 30_000);
    onConnected = () => { clearTimeout(timer); resolve(); };
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`soak: postern exited with ${code} before connecting`)); });
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      // Stats every second over 30 minutes: keep only what the report reads.
      if (!part.includes('"type":"stats"') && !part.includes('"type":"log"')) lines.push(JSON.parse(part) as Record<string, unknown>);
      if (part.includes('"state":"connected"')) onConnected();
    }
  });
  return {
    child, lines, connected,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** iperf3 in chunks of a minute until the deadline: a chunk cut by a restart is counted, and the next one starts. */
async function steadyTraffic(lab: Lab, deadline: number, rateMbit: number): Promise<{ bytes: number; failedChunks: number }> {
  let bytes = 0;
  let failedChunks = 0;
  const server = lab.spawnIn(lab.serverNs, ['iperf3', '-s', '-B', lab.tunnel.serverIp]);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    while (Date.now() < deadline - 2_000) {
      const seconds = Math.min(IPERF_CHUNK_S, Math.floor((deadline - Date.now()) / 1000));
      const result = await lab.exec(lab.clientNs, ['iperf3', '-c', lab.tunnel.serverIp, '-t', String(seconds), '-b', `${rateMbit}M`, '-J'], { timeoutMs: (seconds + 30) * 1000 });
      try {
        bytes += (JSON.parse(result.stdout) as { end: { sum_received: { bytes: number } } }).end.sum_received.bytes;
        if (result.code !== 0) failedChunks++;
      } catch {
        failedChunks++;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  } finally {
    server.kill('SIGKILL');
  }
  return { bytes, failedChunks };
}

/** The client's address moves every sixth of the run; the server restarts every quarter (first at a quarter). */
async function disturb(lab: Lab, startedAt: number, durationMs: number): Promise<{ restarts: number; addressChanges: number }> {
  const plan = [
    ...[1, 2, 3, 4, 5].map((n) => ({ atMs: (n * durationMs) / 6, kind: 'address' as const })),
    ...[1, 2, 3].map((n) => ({ atMs: (n * durationMs) / 4 + 7_000, kind: 'restart' as const })),
  ].sort((a, b) => a.atMs - b.atMs);
  const { clientIp, clientInterface } = lab.link;
  const other = clientIp.replace(/\.2$/, '.3');
  let current = clientIp;
  let restarts = 0;
  let addressChanges = 0;
  for (const step of plan) {
    const waitMs = startedAt + step.atMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (step.kind === 'restart') {
      await lab.restartServer();
      restarts++;
    } else {
      const next = current === clientIp ? other : clientIp;
      // Removed first: a second address in the same /24 is a "secondary" the kernel drops with the primary.
      await run('ip', ['-n', lab.clientNs, 'addr', 'del', `${current}/24`, 'dev', clientInterface]);
      await run('ip', ['-n', lab.clientNs, 'addr', 'add', `${next}/24`, 'dev', clientInterface]);
      current = next;
      addressChanges++;
    }
  }
  return { restarts, addressChanges };
}

function sample(pid: number): Sample {
  return { rssBytes: kilobytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
