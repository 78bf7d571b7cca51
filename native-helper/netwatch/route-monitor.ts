import { spawn, type ChildProcess } from 'node:child_process';

/** Told on every change the kernel reports; `onDidFail` once if the monitor cannot run. */
export interface ChangeSource {
  close(): void;
}

/** How long to wait before starting a monitor that exited on its own again. */
const RESTART_DELAY_MS = 1_000;

/**
 * Runs `ip monitor link address route` for as long as it is open and calls `onChange` for
 * every chunk it prints (a chunk is one or more change lines; their content does not
 * matter, the watcher asks the kernel for the path itself). A monitor that exits is started
 * again after a second; one that cannot be spawned is reported once and retried the same way.
 */
export function monitorRouteChanges(onChange: () => void, onLog: (message: string) => void, program = 'ip'): ChangeSource {
  let child: ChildProcess | undefined;
  let closed = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let reported = false;
  const start = (): void => {
    if (closed) return;
    const monitor = spawn(program, ['monitor', 'link', 'address', 'route'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = monitor;
    monitor.stdout?.on('data', () => { if (!closed) onChange(); });
    monitor.on('error', (error) => {
      if (!reported) onLog(`network watch: cannot run ${program} monitor: ${error.message}`);
      reported = true;
    });
    monitor.on('close', () => {
      if (closed) return;
      restartTimer = setTimeout(start, RESTART_DELAY_MS);
      restartTimer.unref();
    });
  };
  start();
  return {
    close() {
      closed = true;
      clearTimeout(restartTimer);
      child?.kill();
    },
  };
}
