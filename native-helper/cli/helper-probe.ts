import { readlink } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { loadTunAddon } from '../addon/tun-addon';

const PROBE_TIMEOUT_MS = 1000;

/**
 * Is a helper listening at `socketPath` that configures THIS network namespace? A root
 * `postern connect` then hands its tunnel to that helper instead of configuring the same
 * routes a second time. Unix sockets cross namespaces, so the answer comes from the
 * listener's pid (SO_PEERCRED on our end) and its /proc/<pid>/ns/net, which root can read.
 */
export async function helperServesThisNetwork(socketPath: string): Promise<boolean> {
  const pid = await listenerPid(socketPath);
  if (pid === undefined) return false;
  const [theirs, ours] = await Promise.all([readlink(`/proc/${pid}/ns/net`).catch(() => undefined), readlink('/proc/self/ns/net').catch(() => undefined)]);
  return theirs !== undefined && theirs === ours;
}

function listenerPid(socketPath: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const done = (pid: number | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => done(undefined), PROBE_TIMEOUT_MS);
    socket.once('error', () => done(undefined));
    socket.once('connect', () => {
      const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
      try {
        done(typeof fd === 'number' ? loadTunAddon().getPeerCredentials(fd).pid : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}
