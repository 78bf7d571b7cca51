import type { Lab } from './lab';

export interface IperfResult {
  bitsPerSecond: number;
  bytes: number;
}

export interface IperfOptions {
  seconds: number;
  /** Server to client (iperf3 -R): the tunnel's download direction. */
  reverse?: boolean;
  /** Through the tunnel's IPv6 address instead of IPv4. */
  ipv6?: boolean;
}

const SERVER_READY_TIMEOUT_MS = 5000;

/**
 * One TCP iperf3 run from the client namespace to the server's tunnel address; the
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
    const argv = ['iperf3', '-c', address, '-t', String(options.seconds), '-J', ...(options.reverse ? ['-R'] : [])];
    const result = await lab.exec(lab.clientNs, argv, { timeoutMs: (options.seconds + 15) * 1000 });
    const report = JSON.parse(result.stdout) as { end: { sum_received: { bits_per_second: number; bytes: number } } };
    return { bitsPerSecond: report.end.sum_received.bits_per_second, bytes: report.end.sum_received.bytes };
  } finally {
    server.kill('SIGKILL');
  }
}
