import type { Lab } from './lab';

export interface IperfResult {
  bitsPerSecond: number;
  bytes: number;
  /** UDP only: datagrams the client sent, and how many of them the server never counted. */
  datagrams?: { sent: number; lost: number };
  /** iperf3's own CPU use over the run (-J end.cpu_utilization_percent), sender and receiver. */
  cpuPercent?: { client: number; server: number };
}

export interface IperfOptions {
  seconds: number;
  /** Server to client (iperf3 -R): the tunnel's download direction. */
  reverse?: boolean;
  /** Through the tunnel's IPv6 address instead of IPv4. */
  ipv6?: boolean;
  /** A steady rate (iperf3 -b) instead of as fast as it goes. */
  rateBitsPerSecond?: number;
  /** UDP datagrams (iperf3 -u) instead of TCP: nothing comes back, and losses are counted. */
  udp?: boolean;
}

const SERVER_READY_TIMEOUT_MS = 5000;

interface IperfSum {
  bits_per_second: number;
  bytes: number;
  packets?: number;
  lost_packets?: number;
}

interface IperfEnd {
  cpu_utilization_percent?: { host_total?: number; remote_total?: number };
  sum_received?: IperfSum;
  sum_sent?: IperfSum;
  sum?: IperfSum;
}

/**
 * One iperf3 run (TCP unless `udp`) from the client namespace to the server's tunnel address; the
 * figure is what the receiving side counted. The server is started for this run only
 * (`-1`) and killed afterwards whatever happens.
 */
export async function runIperf(lab: Lab, options: IperfOptions): Promise<IperfResult> {
  const address = options.ipv6 ? lab.tunnel.serverIp6 : lab.tunnel.serverIp;
  const server = lab.spawnIn(lab.serverNs, ['iperf3', '-s', '-1', '--forceflush', '-B', address]);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('iperf3 server did not start')), SERVER_READY_TIMEOUT_MS);
      server.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Server listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`iperf3 server exited with ${code}`)); });
    });
    const argv = ['iperf3', '-c', address, '-t', String(options.seconds), '-J', ...(options.reverse ? ['-R'] : []),
      ...(options.udp ? ['-u'] : []), ...(options.rateBitsPerSecond ? ['-b', String(options.rateBitsPerSecond)] : [])];
    const result = await lab.exec(lab.clientNs, argv, { timeoutMs: (options.seconds + 15) * 1000 });
    const report = JSON.parse(result.stdout) as { end: IperfEnd };
    if (options.udp) {
      // Sent as the client counted, received as the server did (iperf3 3.12 puts both in the report).
      const sent = report.end.sum_sent ?? report.end.sum;
      const received = report.end.sum_received;
      if (!sent || !received) throw new Error(`iperf3 UDP report without both summaries: ${result.stdout.slice(0, 500)}`);
      const datagrams = { sent: sent.packets ?? 0, lost: received.lost_packets ?? 0 };
      return { bitsPerSecond: received.bits_per_second, bytes: received.bytes, datagrams };
    }
    const received = report.end.sum_received as IperfSum;
    const cpu = report.end.cpu_utilization_percent;
    return { bitsPerSecond: received.bits_per_second, bytes: received.bytes, ...(cpu ? { cpuPercent: { client: cpu.host_total ?? 0, server: cpu.remote_total ?? 0 } } : {}) };
  } finally {
    server.kill('SIGKILL');
  }
}
