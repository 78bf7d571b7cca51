import { readFileSync } from 'node:fs';
import type { Lab } from './lab';

/** Named kernel counters of one namespace: `udp.RcvbufErrors`, `socket 0A…:04AA.drops`, `link tun0.tx_dropped`, … */
export type DropCounters = Record<string, number>;

const SNMP_FIELDS = new Set(['InErrors', 'RcvbufErrors', 'SndbufErrors', 'MemErrors', 'NoPorts']);

/**
 * Test-only: everything the kernel of a namespace counts when it throws a packet away on the
 * way we care about: UDP's socket-buffer and error counters (IPv4 and IPv6), each UDP socket's
 * own drop count (/proc/net/udp's last column, so an overflowing OpenVPN socket can be told
 * from an overflowing iperf3 one), and every link's drop and error counters (TUN and veth).
 * Read before and after a run and compared with `droppedBetween`, a lost packet gets a place.
 */
export async function readDropCounters(lab: Lab, namespace: string): Promise<DropCounters> {
  const proc = await lab.exec(namespace, ['cat', '/proc/net/snmp', '/proc/net/snmp6', '/proc/net/udp', '/proc/net/udp6']);
  const links = await lab.exec(namespace, ['ip', '-s', '-j', 'link', 'show']);
  return parseDropCounters(proc.stdout, links.stdout);
}

/** readDropCounters' reading of /proc/net/{snmp,snmp6,udp,udp6} (concatenated) and `ip -s -j link show`. */
export function parseDropCounters(procText: string, linksJson: string): DropCounters {
  const counters: DropCounters = {};
  const lines = procText.split('\n');
  for (const [index, line] of lines.entries()) {
    // /proc/net/snmp: a header line of names, then the same prefix with the values.
    const header = /^Udp: ([A-Za-z ]+)$/.exec(line);
    const values = header ? /^Udp: ([\d ]+)$/.exec(lines[index + 1] ?? '') : null;
    if (header && values) {
      const names = header[1]!.split(' ');
      const numbers = values[1]!.split(' ').map(Number);
      names.forEach((name, i) => { if (SNMP_FIELDS.has(name)) counters[`udp.${name}`] = numbers[i] ?? 0; });
    }
    const six = /^Udp6(InErrors|RcvbufErrors|SndbufErrors|MemErrors|NoPorts)\s+(\d+)$/.exec(line);
    if (six) counters[`udp6.${six[1]}`] = Number(six[2]);
    // /proc/net/udp{,6}: "sl local remote st tx:rx tr tm retr uid timeout inode ref pointer drops".
    const socket = /^\s*\d+: ([0-9A-F]+:[0-9A-F]{4}) \S+ .* (\d+)\s*$/.exec(line);
    if (socket) counters[`socket ${socket[1]}.drops`] = Number(socket[2]);
  }
  for (const link of JSON.parse(linksJson || '[]') as LinkStats[]) {
    const stats = link.stats64;
    if (!stats) continue;
    counters[`link ${link.ifname}.rx_dropped`] = stats.rx.dropped;
    counters[`link ${link.ifname}.rx_errors`] = stats.rx.errors;
    counters[`link ${link.ifname}.tx_dropped`] = stats.tx.dropped;
    counters[`link ${link.ifname}.tx_errors`] = stats.tx.errors;
  }
  return counters;
}

interface LinkStats {
  ifname: string;
  stats64?: { rx: { dropped: number; errors: number }; tx: { dropped: number; errors: number } };
}

/** The counters that grew between two readings, with how much (a counter that appeared counts from 0). */
export function droppedBetween(before: DropCounters, after: DropCounters): DropCounters {
  const grown: DropCounters = {};
  for (const [name, value] of Object.entries(after)) {
    const added = value - (before[name] ?? 0);
    if (added > 0) grown[name] = added;
  }
  return grown;
}

/** Drops the kernel counted in the namespace of process `pid`: at UDP sockets bound or connected to `port` (both families), and at every link but lo. */
export function processNamespaceDrops(pid: number, port: number): { socket: number; links: number } {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  let socket = 0;
  for (const file of ['udp', 'udp6']) {
    for (const line of readProc(`/proc/${pid}/net/${file}`).split('\n')) {
      const match = /^\s*\d+: [0-9A-F]+:([0-9A-F]{4}) [0-9A-F]+:([0-9A-F]{4}) .* (\d+)\s*$/.exec(line);
      if (match && (match[1] === portHex || match[2] === portHex)) socket += Number(match[3]);
    }
  }
  let links = 0;
  // /proc/net/dev: "name: rx bytes packets errs drop … tx bytes packets errs drop …".
  for (const line of readProc(`/proc/${pid}/net/dev`).split('\n')) {
    const match = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!match || match[1] === 'lo') continue;
    const fields = match[2]!.trim().split(/\s+/).map(Number);
    links += (fields[3] ?? 0) + (fields[11] ?? 0);
  }
  return { socket, links };
}

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process is gone: nothing more to count
  }
}

/** When a drop counter grew, and by how much. */
export interface DropEvent {
  atMs: number;
  where: string;
  count: number;
}

/**
 * Test-only: reads `sources` every `intervalMs` (from /proc, no process spawned, so cheap
 * enough for a 20 ms period under load) and records every growth with its time, so a lost
 * packet can be matched to the buffer that overflowed when it was on its way.
 */
export function startDropTimeline(sources: Record<string, () => number>, intervalMs = 20): { stop(): DropEvent[] } {
  const events: DropEvent[] = [];
  const last = Object.fromEntries(Object.entries(sources).map(([where, read]) => [where, read()]));
  const timer = setInterval(() => {
    const atMs = Date.now();
    for (const [where, read] of Object.entries(sources)) {
      const value = read();
      if (value > (last[where] ?? 0)) events.push({ atMs, where, count: value - (last[where] ?? 0) });
      last[where] = value;
    }
  }, intervalMs);
  return { stop: () => { clearInterval(timer); return events; } };
}

/** Packets a reading of `droppedBetween` says were thrown away, each once: UDP buffer errors (not InErrors, which repeats them) and link drops. */
export function kernelDropTotal(counters: DropCounters): number {
  return Object.entries(counters)
    .filter(([name]) => /^udp6?\.(RcvbufErrors|SndbufErrors)$/.test(name) || /^link .*\.(rx|tx)_dropped$/.test(name))
    .reduce((total, [, count]) => total + count, 0);
}
