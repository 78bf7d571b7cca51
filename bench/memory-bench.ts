import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { runIperf } from '../e2e/lab/iperf';
import { startLab, type Lab } from '../e2e/lab/lab';
import { HELPER_ENV, HELPER_NODE_FLAGS } from '../native-helper/service/runtime-flags';
import { cpuSeconds, kilobytes } from './proc-stats';

/**
 * What the V8 flags the helper could start with buy, under load: for each set, `postern
 * connect` (the bundle) runs iperf3 up then down through the tunnel, and we read its peak
 * RSS (VmHWM), its RSS at the end, the throughput and CPU-seconds per GB; the openvpn 2.6
 * client in the same run is the reference. Each flag set is its own process, so one set's
 * heap never flatters the next.
 */
export interface MemoryFigures {
  flags: string[];
  env: Record<string, string>;
  peakRssBytes: number;
  endRssBytes: number;
  /** At the end, RSS split: the process's own memory, and file pages (Node's code, shared with every Node process). */
  endAnonRssBytes: number;
  endFileRssBytes: number;
  uploadBitsPerSecond: number;
  downloadBitsPerSecond: number;
  cpuSecondsPerGigabyte: number;
}

export interface RuntimeChoice {
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** Node's defaults, then what each of the helper's choices adds; the last one was measured and not kept. */
export const CHOICES: readonly RuntimeChoice[] = [
  { flags: [], env: {} },
  { flags: ['--max-semi-space-size=1'], env: {} },
  { flags: ['--max-semi-space-size=1', '--single-threaded-gc'], env: {} },
  { flags: HELPER_NODE_FLAGS, env: HELPER_ENV },
  { flags: [...HELPER_NODE_FLAGS, '--lite-mode'], env: HELPER_ENV },
];

export async function benchMemory(options: { seconds?: number; choices?: readonly RuntimeChoice[] } = {}): Promise<object> {
  const seconds = options.seconds ?? 8;
  const lab = await startLab({ proto: 'udp' });
  try {
    const profile = `${lab.dir}/memory-bench.ovpn`;
    // The package runs the helper on its own copy of Node (/usr/lib/postern/node), whose pages
    // no other process maps; running the bench on the machine's shared node would count pages
    // every Node process on the machine keeps resident, and let none of them be handed back.
    const node = `${lab.dir}/node`;
    copyFileSync(process.execPath, node);
    writeFileSync(profile, lab.clientProfile({ remote: 'link' }), { mode: 0o600 });
    const openvpn = await underLoad(lab, seconds, () => {
      const client = lab.startOpenvpnClient({ profile: readFileSync(profile, 'utf8') });
      return { pid: () => client.child.pid ?? 0, connected: client.waitConnected(20_000).then(() => undefined), stop: () => client.stop() };
    }, { flags: [], env: {} });
    const postern: MemoryFigures[] = [];
    for (const choice of options.choices ?? CHOICES) {
      process.stderr.write(`bench: memory — postern connect with ${[...Object.entries(choice.env).map(([k, v]) => `${k}=${v}`), ...choice.flags].join(' ') || 'Node\'s defaults'}\n`);
      postern.push(await underLoad(lab, seconds, () => startPostern(lab, node, profile, choice), choice));
    }
    const base = postern[0];
    return {
      lab: { proto: 'udp', cipher: 'AES-256-GCM', iperfSecondsEachWay: seconds },
      openvpn: { peakRssBytes: openvpn.peakRssBytes, endRssBytes: openvpn.endRssBytes, endAnonRssBytes: openvpn.endAnonRssBytes, endFileRssBytes: openvpn.endFileRssBytes, cpuSecondsPerGigabyte: openvpn.cpuSecondsPerGigabyte },
      postern: postern.map((figures) => ({
        ...figures,
        // Against Node's defaults: below 1 = smaller / slower.
        peakRssVsDefaults: base ? round(figures.peakRssBytes / base.peakRssBytes) : undefined,
        throughputVsDefaults: base ? round((figures.uploadBitsPerSecond + figures.downloadBitsPerSecond) / (base.uploadBitsPerSecond + base.downloadBitsPerSecond)) : undefined,
        cpuPerGigabyteVsDefaults: base ? round(figures.cpuSecondsPerGigabyte / base.cpuSecondsPerGigabyte) : undefined,
      })),
    };
  } finally {
    await lab.stop();
  }
}

interface Started {
  pid(): number;
  connected: Promise<void>;
  stop(): Promise<void>;
}

async function underLoad(lab: Lab, seconds: number, start: () => Started, choice: RuntimeChoice): Promise<MemoryFigures> {
  const client = start();
  try {
    await client.connected;
    const pid = client.pid();
    const cpuBefore = cpuSeconds(pid);
    const upload = await runIperf(lab, { seconds });
    const download = await runIperf(lab, { seconds, reverse: true });
    const cpu = cpuSeconds(pid) - cpuBefore;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      flags: [...choice.flags],
      env: { ...choice.env },
      peakRssBytes: kilobytes(status, 'VmHWM') * 1024,
      endRssBytes: kilobytes(status, 'VmRSS') * 1024,
      endAnonRssBytes: kilobytes(status, 'RssAnon') * 1024,
      endFileRssBytes: kilobytes(status, 'RssFile') * 1024,
      uploadBitsPerSecond: Math.round(upload.bitsPerSecond),
      downloadBitsPerSecond: Math.round(download.bitsPerSecond),
      cpuSecondsPerGigabyte: round(cpu / ((upload.bytes + download.bytes) / 1e9)),
    };
  } finally {
    await client.stop();
  }
}

/** `ENV node FLAGS dist/postern.mjs connect --json` in the client namespace (ip netns exec execs node: the pid is node's). */
function startPostern(lab: Lab, node: string, profile: string, choice: RuntimeChoice): Started {
  const argv = ['netns', 'exec', lab.clientNs, node, ...choice.flags, 'dist/postern.mjs', 'connect', profile, '--json'];
  const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...choice.env } });
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('postern did not connect in time')), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"state":"connected"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`postern exited with ${code} before connecting`)); });
  });
  return {
    pid: () => child.pid ?? 0,
    connected,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
