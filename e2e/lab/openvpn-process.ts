import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { spawnInNamespace } from './run';
import { logReader } from './log-reader';

const LOG_TAIL_LINES = 25;
/** A safety net only: inotify wakes the wait on every write. */
const FALLBACK_POLL_MS = 250;

/** An openvpn process (server or reference client) in a namespace, logging to a file. */
export interface OpenvpnProcess {
  child: ChildProcess;
  logFile: string;
  /** performance.now() when it was spawned. */
  startedAt: number;
  log(): string;
  /**
   * Waits until the log, from character `fromOffset` on, matches; returns the match. Fails
   * with the log tail after `timeoutMs`, or at once if the process exits first.
   */
  waitForLog(pattern: RegExp, timeoutMs: number, fromOffset?: number): Promise<string>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `openvpn <args>` in `namespace` (`binary`: apt's on the PATH unless a lab build is named). The log goes to `logFile` (the caller puts
 * `--log`/`log-append` in the args or config); stdout/stderr only carry start-up errors
 * printed before the log file opens, and are kept for the failure message.
 */
export function startOpenvpn(namespace: string, args: readonly string[], logFile: string, binary = 'openvpn'): OpenvpnProcess {
  const startedAt = performance.now();
  const child = spawnInNamespace(namespace, [binary, ...args]);
  let earlyOutput = '';
  const keep = (chunk: Buffer): void => { earlyOutput = (earlyOutput + chunk.toString()).slice(-4_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A forgotten lab must not keep the test process alive: the 'exit' handler kills it.
  // Waiting on it still holds the process open (waitForLog polls with a timer).
  child.unref();
  for (const stream of [child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const gone = (): void => { running = false; resolve(); };
    child.once('exit', gone);
    child.once('error', gone); // spawn failed: there is no 'exit' to wait for
  });
  const isRunning = (): boolean => running;
  const log = logReader(logFile);
  return {
    child, logFile, startedAt, log, isRunning,
    waitForLog: (pattern, timeoutMs, fromOffset = 0) => {
      const deadline = Date.now() + timeoutMs;
      return waitForMatch(logFile, log, exited, (whole) => {
        const text = whole.slice(fromOffset);
        const match = pattern.exec(text);
        if (match) return match[0];
        const why = !isRunning() ? `openvpn exited (${child.exitCode ?? child.signalCode})`
          : Date.now() > deadline ? `no ${pattern} within ${timeoutMs} ms` : undefined;
        if (why) throw new Error(`${why}; ${logFile} tail:\n${tail(text)}${earlyOutput ? `\nconsole:\n${tail(earlyOutput)}` : ''}`);
        return undefined;
      });
    },
    stop: async (graceMs = 3_000) => {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Re-reads the log each time it changes until `check` returns a value or throws. Changes
 * come from inotify (fs.watch on the folder), so a match is seen within a millisecond or
 * so: connect times measured through it are not rounded up to a polling interval.
 */
async function waitForMatch<T>(logFile: string, log: () => string, exited: Promise<void>, check: (text: string) => T | undefined): Promise<T> {
  let wake = (): void => undefined;
  const watcher = watch(dirname(logFile), { persistent: false }, (_event, name) => { if (name === basename(logFile)) wake(); });
  try {
    for (;;) {
      const changed = new Promise<void>((resolve) => { wake = resolve; }); // armed before reading: no write is missed
      const found = check(log());
      if (found !== undefined) return found;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([changed, exited, new Promise((resolve) => { timer = setTimeout(resolve, FALLBACK_POLL_MS); })]);
      clearTimeout(timer);
    }
  } finally {
    watcher.close();
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-LOG_TAIL_LINES).join('\n');
}
