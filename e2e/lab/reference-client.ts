import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenvpn, type OpenvpnProcess } from './openvpn-process';

export interface ReferenceClientOptions {
  namespace: string;
  /** Folder for the profile and log files. */
  dir: string;
  /** Base name of the files (`<name>.ovpn`, `<name>.log`); unique per lab. */
  name: string;
  profile: string;
  /** Extra command-line options, after ours (so they win). */
  args?: readonly string[];
}

/** The Debian openvpn 2.6 client: the reference every protocol test and benchmark compares against. */
export interface ReferenceClient extends OpenvpnProcess {
  profileFile: string;
  /** Resolves with the ms from spawn to "Initialization Sequence Completed"; fails with the log tail. */
  waitConnected(timeoutMs?: number): Promise<number>;
}

const CONNECTED = /Initialization Sequence Completed/;

/**
 * Starts `openvpn --config <profile>` in a namespace, never daemonised, at verb 3, without
 * DCO (the kernel module may be absent, and the server runs without it too).
 */
export function startReferenceClient(options: ReferenceClientOptions): ReferenceClient {
  const profileFile = join(options.dir, `${options.name}.ovpn`);
  const logFile = join(options.dir, `${options.name}.log`);
  writeFileSync(profileFile, options.profile, { mode: 0o600 });
  const process = startOpenvpn(options.namespace,
    ['--config', profileFile, '--disable-dco', '--verb', '3', '--log', logFile, ...(options.args ?? [])], logFile);
  return {
    ...process, profileFile,
    waitConnected: async (timeoutMs = 30_000) => {
      await process.waitForLog(CONNECTED, timeoutMs);
      return performance.now() - process.startedAt;
    },
  };
}
