import type { PathWatch, PathWatchEvents } from '../tunnel/path-watch-port';
import { monitorRouteChanges, type ChangeSource } from './route-monitor';
import { describePath, isSamePath, type ServerPath } from './server-path';

export interface NetworkWatcherOptions {
  /** The kernel's change reports; `ip monitor` when absent. */
  changes?: (onChange: () => void, onLog: (message: string) => void) => ChangeSource;
  /** `ip -j route get <server>` (server-path.ts readServerPath). */
  readPath(address: string): Promise<ServerPath | undefined>;
  /** Quiet time after the last change before the path is read again: a flapping link acts once. */
  debounceMs?: number;
  /** A link that never stops flapping is still read at least this often. */
  maxWaitMs?: number;
}

const DEBOUNCE_MS = 400;
const MAX_WAIT_MS = 2_000;

/**
 * Watches the path to one server. Every kernel change (links, addresses, routes, ours
 * included) only schedules a look: after `debounceMs` of quiet, the path is read again and
 * compared with the last one seen. Only a different path that exists is reported (a new
 * source address, device or gateway; a path back after none); a lost path is logged and
 * waited out. Our own TUN device and routes leave the route to the server as it was (the
 * helper keeps a host route to it outside the tunnel), so they cause nothing.
 */
export class NetworkWatcher implements PathWatch {
  readonly #changes: ChangeSource;
  #server: string | undefined;
  #path: ServerPath | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #firstPendingMs: number | undefined;
  #reading = false;
  #readAgain = false;
  #closed = false;

  constructor(private readonly options: NetworkWatcherOptions, private readonly events: PathWatchEvents) {
    this.#changes = (options.changes ?? monitorRouteChanges)(() => this.#onChange(), (message) => events.onLog(message));
  }

  /** Watches the path to `address` from now on; the path of now is the baseline, not a change. */
  watch(address: string): Promise<void> {
    if (this.#closed || address === this.#server) return Promise.resolve();
    this.#server = address;
    this.#path = undefined;
    return this.options.readPath(address).then((path) => {
      if (this.#server === address) this.#path = path;
    }, () => undefined);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#debounce);
    this.#changes.close();
  }

  #onChange(): void {
    if (this.#closed || this.#server === undefined) return;
    const nowMs = performance.now();
    this.#firstPendingMs ??= nowMs;
    clearTimeout(this.#debounce);
    const maxWaitMs = this.options.maxWaitMs ?? MAX_WAIT_MS;
    const waitMs = Math.min(this.options.debounceMs ?? DEBOUNCE_MS, Math.max(0, this.#firstPendingMs + maxWaitMs - nowMs));
    this.#debounce = setTimeout(() => void this.#check(), waitMs);
    this.#debounce.unref();
  }

  async #check(): Promise<void> {
    this.#firstPendingMs = undefined;
    if (this.#reading) {
      this.#readAgain = true;
      return;
    }
    this.#reading = true;
    try {
      do {
        this.#readAgain = false;
        const server = this.#server;
        if (server === undefined) return;
        const after = await this.options.readPath(server);
        if (this.#closed || server !== this.#server) return;
        const before = this.#path;
        if (isSamePath(before, after)) continue;
        this.#path = after;
        if (after === undefined) {
          this.events.onLog(`network watch: no path to ${server} now (was ${describePath(before)}); waiting for one`);
          continue;
        }
        this.events.onPathChanged(`${describePath(before)} → ${describePath(after)}`);
      } while (this.#readAgain && !this.#closed);
    } finally {
      this.#reading = false;
    }
  }
}
