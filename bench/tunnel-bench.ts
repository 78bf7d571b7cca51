import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runIperf, type IperfResult } from '../e2e/lab/iperf';
import { startLab, type Lab } from '../e2e/lab/lab';
import { connectToHelper } from '../native-helper/client/socket-client';
import type { HelperEvent } from '../native-helper/api/index';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../native-helper/service/runtime-flags';
import { cpuSeconds, kilobytes } from './proc-stats';

/**
 * Postern's `postern connect` against the Debian openvpn 2.6 client, same lab server,
 * same run, measured the same way (both without DCO):
 *  - connect: process spawn → the client says the tunnel is up with routes applied
 *    ("Initialization Sequence Completed" / our `connected` state), median of N;
 *  - iperf3 TCP 10 s up and down through the tunnel (received bits/s);
 *  - client CPU seconds (user+system from /proc) per GB moved, over both iperf3 runs;
 *  - peak RSS (VmHWM) of the client process (Postern started with the helper's runtime flags).
 * And, for Postern only, what the desktop app sees: with `postern helper` already running,
 * the time from the tunnel.connect call on its socket to the `connected` event.
 */
export interface ClientFigures {
  connectMs: number[];
  connectMedianMs: number;
  uploadBitsPerSecond: number;
  downloadBitsPerSecond: number;
  cpuSecondsPerGigabyte: number;
  /** Each direction alone: the client's CPU per GB, and who else was busy (a server- or iperf-bound figure shows here). */
  upload: DirectionFigures;
  download: DirectionFigures;
  peakRssBytes: number;
}

export interface DirectionFigures {
  bitsPerSecond: number;
  clientCpuSecondsPerGigabyte: number;
  /** CPU share of one core over the run (1 = a whole core). */
  clientCpuShare: number;
  serverCpuShare: number;
  iperfClientCpuPercent: number | null;
  iperfServerCpuPercent: number | null;
}

interface RunningClient {
  pid: number;
  connectMs: number;
  stop(): Promise<void>;
}

export async function benchTunnel(options: { seconds?: number; connectSamples?: number } = {}): Promise<object> {
  const seconds = options.seconds ?? 10;
  const samples = options.connectSamples ?? 5;
  const lab = await startLab({ proto: 'udp' });
  try {
    const profile = `${lab.dir}/bench.ovpn`;
    writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
    const openvpn = await measure(lab, () => startOpenvpn(lab, profile), seconds, samples);
    const postern = await measure(lab, () => startPostern(lab, profile), seconds, samples);
    // The same helper with core's TypeScript data path (POSTERN_DATA_PLANE=js), for the native plane's effect.
    const posternJsPath = await measure(lab, () => startPostern(lab, profile, { POSTERN_DATA_PLANE: 'js' }), seconds, 1);
    // The native plane without UDP GSO (POSTERN_UDP_GSO=0), for what segmentation offload gives.
    const posternNoGso = await measure(lab, () => startPostern(lab, profile, { POSTERN_UDP_GSO: '0' }), seconds, 1);
    const throughHelperMs = await measureHelperConnect(lab, profile, samples);
    const throughHelperMedianMs = median(throughHelperMs);
    return {
      lab: { proto: 'udp', cipher: 'AES-256-GCM', dco: false, iperfSeconds: seconds, loadAverageAtEnd: loadavg().map((l) => round(l)) },
      openvpn,
      posternJsPath,
      posternNoGso,
      postern: { ...postern, connectThroughRunningHelperMs: throughHelperMs.map(Math.round), connectThroughRunningHelperMedianMs: Math.round(throughHelperMedianMs) },
      // Above 1 means Postern is better on that figure.
      ratios: {
        connect: round(openvpn.connectMedianMs / postern.connectMedianMs),
        connectThroughRunningHelper: round(openvpn.connectMedianMs / throughHelperMedianMs),
        upload: round(postern.uploadBitsPerSecond / openvpn.uploadBitsPerSecond),
        download: round(postern.downloadBitsPerSecond / openvpn.downloadBitsPerSecond),
        cpuPerGigabyte: round(openvpn.cpuSecondsPerGigabyte / postern.cpuSecondsPerGigabyte),
        cpuPerGigabyteUpload: round(openvpn.upload.clientCpuSecondsPerGigabyte / postern.upload.clientCpuSecondsPerGigabyte),
        cpuPerGigabyteDownload: round(openvpn.download.clientCpuSecondsPerGigabyte / postern.download.clientCpuSecondsPerGigabyte),
        peakRss: round(openvpn.peakRssBytes / postern.peakRssBytes),
      },
      ratioMeaning: 'other ÷ Postern for times, CPU and memory; Postern ÷ openvpn for throughput: above 1 = Postern better',
    };
  } finally {
    await lab.stop();
  }
}

async function measure(lab: Lab, start: () => Promise<RunningClient>, seconds: number, samples: number): Promise<ClientFigures> {
  const connectMs: number[] = [];
  for (let i = 0; i < samples - 1; i++) {
    const client = await start();
    connectMs.push(client.connectMs);
    await client.stop();
  }
  const client = await start();
  connectMs.push(client.connectMs);
  try {
    const serverPid = Number(readFileSync(join(lab.dir, 'server.pid'), 'utf8').trim());
    const cpuBefore = cpuSeconds(client.pid);
    const [upload, uploadFigures] = await direction(lab, client.pid, serverPid, seconds, false);
    const [download, downloadFigures] = await direction(lab, client.pid, serverPid, seconds, true);
    const cpu = cpuSeconds(client.pid) - cpuBefore;
    const gigabytes = (upload.bytes + download.bytes) / 1e9;
    return {
      upload: uploadFigures,
      download: downloadFigures,
      connectMs: connectMs.map(Math.round),
      connectMedianMs: Math.round(median(connectMs)),
      uploadBitsPerSecond: Math.round(upload.bitsPerSecond),
      downloadBitsPerSecond: Math.round(download.bitsPerSecond),
      cpuSecondsPerGigabyte: round(cpu / gigabytes),
      peakRssBytes: peakRss(client.pid),
    };
  } finally {
    await client.stop();
  }
}

/** One iperf3 run, with the CPU the client and the server used during it. */
async function direction(lab: Lab, clientPid: number, serverPid: number, seconds: number, reverse: boolean): Promise<[IperfResult, DirectionFigures]> {
  const [client0, server0, started] = [cpuSeconds(clientPid), cpuSeconds(serverPid), performance.now()];
  const result = await runIperf(lab, { seconds, reverse });
  const wallSeconds = (performance.now() - started) / 1000;
  const [client, server] = [cpuSeconds(clientPid) - client0, cpuSeconds(serverPid) - server0];
  return [result, {
    bitsPerSecond: Math.round(result.bitsPerSecond),
    clientCpuSecondsPerGigabyte: round(client / (result.bytes / 1e9)),
    clientCpuShare: round(client / wallSeconds),
    serverCpuShare: round(server / wallSeconds),
    iperfClientCpuPercent: result.cpuPercent ? round(result.cpuPercent.client) : null,
    iperfServerCpuPercent: result.cpuPercent ? round(result.cpuPercent.server) : null,
  }];
}

async function startOpenvpn(lab: Lab, profile: string): Promise<RunningClient> {
  const client = lab.startOpenvpnClient({ profile: readFileSync(profile, 'utf8') });
  const connectMs = await client.waitConnected(20_000);
  const pid = client.child.pid ?? 0;
  return { pid, connectMs, stop: () => client.stop() };
}

/** `postern connect --json` from the bundle (dist/postern.mjs, built by `npm run build`). */
async function startPostern(lab: Lab, profile: string, env: Record<string, string> = {}): Promise<RunningClient> {
  const startedAt = performance.now();
  // Started as the packaged helper is (service/runtime-flags.ts): the figures are what people get.
  const child = spawn('ip', ['netns', 'exec', lab.clientNs, process.execPath, ...HELPER_NODE_FLAGS, 'dist/postern.mjs', 'connect', profile, '--json'],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...HELPER_ENV, ...env } });
  const connectMs = await waitForConnected(child, startedAt, 20_000);
  return {
    pid: child.pid ?? 0,
    connectMs,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * `postern helper` in the client namespace, then `samples` connects over its socket, as
 * the desktop app makes them: no process to start, only the tunnel to bring up.
 */
async function measureHelperConnect(lab: Lab, profile: string, samples: number): Promise<number[]> {
  const socketPath = `${lab.dir}/bench-helper.sock`;
  const helper = spawn('ip', ['netns', 'exec', lab.clientNs, process.execPath, ...HELPER_NODE_FLAGS, 'dist/postern.mjs', 'helper', '--socket', socketPath],
    { stdio: 'ignore', env: { ...process.env, ...HELPER_ENV } });
  try {
    for (let wait = 0; wait < 100 && !existsSync(socketPath); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
    const opened = await connectToHelper(socketPath, { client: 'postern-bench' });
    if (!opened.ok) throw new Error(`bench: cannot reach the helper: ${opened.error.message}`);
    const { connection } = opened.value;
    try {
      const states: string[] = [];
      let notify = (): void => undefined;
      connection.onEvent((event: HelperEvent) => {
        if (event.type === 'state') { states.push(event.state); notify(); }
      });
      const reached = (state: string): Promise<void> => new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench: the helper never reached ${state}`)), 20_000);
        notify = () => { if (states.includes(state)) { clearTimeout(timer); resolve(); } };
        notify();
      });
      await connection.call('events.subscribe', {});
      const text = readFileSync(profile, 'utf8');
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        states.length = 0;
        const startedAt = performance.now();
        const started = await connection.call('tunnel.connect', { profile: { name: 'bench', text } });
        if (!started.ok) throw new Error(`bench: tunnel.connect failed: ${started.error.message}`);
        await reached('connected');
        times.push(performance.now() - startedAt);
        await connection.call('tunnel.disconnect', {});
        await reached('disconnected');
      }
      return times;
    } finally {
      connection.close();
    }
  } finally {
    const exited = new Promise((resolve) => helper.once('exit', resolve));
    helper.kill('SIGTERM');
    await exited;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function waitForConnected(child: ChildProcess, startedAt: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error('postern did not connect in time')), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"state":"connected"')) {
          clearTimeout(timer);
          resolve(performance.now() - startedAt);
        }
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`postern exited with ${code} before connecting`)); });
  });
}

function peakRss(pid: number): number {
  return kilobytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM') * 1024;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
