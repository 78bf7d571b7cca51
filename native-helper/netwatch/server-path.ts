import { parseRouteGet } from '../netconfig/gateway-discovery';
import type { CommandRunner } from '../netconfig/command-runner';

/** How packets to the server leave this machine now: what `ip route get <server>` says. */
export interface ServerPath {
  dev: string;
  gateway?: string;
  /** The source address the kernel picks for the server: a connected UDP socket keeps the old one. */
  prefsrc?: string;
}

/** The path to `address` now; undefined when there is none (no route, the interface gone). */
export async function readServerPath(runIp: CommandRunner, address: string): Promise<ServerPath | undefined> {
  const result = await runIp(['-j', 'route', 'get', address]);
  if (!result.ok) return undefined;
  const answer = parseRouteGet(result.stdout);
  if (!answer.ok) return undefined;
  const { dev, gateway, prefsrc } = answer.value;
  return { dev, ...(gateway === undefined ? {} : { gateway }), ...(prefsrc === undefined ? {} : { prefsrc }) };
}

export function isSamePath(a: ServerPath | undefined, b: ServerPath | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.dev === b.dev && a.gateway === b.gateway && a.prefsrc === b.prefsrc;
}

/** "eth0 via 192.0.2.1 from 192.0.2.2", for log lines; "none" without a path. */
export function describePath(path: ServerPath | undefined): string {
  if (!path) return 'none';
  return `${path.dev}${path.gateway ? ` via ${path.gateway}` : ''}${path.prefsrc ? ` from ${path.prefsrc}` : ''}`;
}
