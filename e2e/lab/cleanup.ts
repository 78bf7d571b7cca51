import { execFileSync } from 'node:child_process';

/** What one lab leaves in the system until it is stopped. */
export interface LabResources {
  namespaces: readonly string[];
  /** Root-namespace interfaces (deleting the namespaces removes the rest). */
  rootInterfaces: readonly string[];
}

const live = new Map<string, LabResources>();
let handlersInstalled = false;

/** Remembers a lab so an exiting or interrupted test process still removes it. */
export function registerLab(id: string, resources: LabResources): void {
  installHandlers();
  live.set(id, resources);
}

export function unregisterLab(id: string): void {
  live.delete(id);
}

/**
 * Synchronous removal, for the 'exit' event where nothing async runs any more: kills
 * every process in the lab's namespaces (servers, clients a test spawned), then deletes
 * the root-side interfaces and the namespaces. Errors are ignored: best effort.
 */
export function removeLabSync(resources: LabResources): void {
  const quiet = (args: string[]): string => {
    try {
      return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 });
    } catch {
      return '';
    }
  };
  for (const ns of resources.namespaces) {
    for (const pid of quiet(['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
    }
  }
  for (const name of resources.rootInterfaces) quiet(['link', 'del', name]);
  for (const ns of resources.namespaces) quiet(['netns', 'del', ns]);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const resources of live.values()) removeLabSync(resources);
    live.clear();
  });
  // A handler replaces Node's default "exit at once"; exit ourselves so the 'exit' cleanup runs.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }
}
