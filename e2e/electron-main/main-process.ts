import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';
import type { AppEvent } from '../../electron/api/app-api';
import type { InvokeFrom, QuitPhase } from './electron-double';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN_CJS = join(REPO, 'dist/electron/main.cjs');
const HARNESS = join(REPO, 'e2e/electron-main/main-harness.ts');

/** What the double recorded, as the harness reports it. */
export interface MainState {
  windows: Array<{ options: Electron.BrowserWindowConstructorOptions; loaded: Array<{ file?: string; url?: string }>; visible: boolean; focused: boolean; focusCount: number; destroyed: boolean; url: string }>;
  tray: { image: string; toolTip: string; items: Array<{ label: string; enabled: boolean; separator: boolean }> } | null;
  ipcChannels: string[];
  notifications: Electron.NotificationConstructorOptions[];
  dialogs: Array<{ options: Electron.MessageBoxOptions; answered: boolean }>;
  saveDialogs: Array<{ options: Electron.SaveDialogOptions; answered: boolean }>;
  externalUrls: string[];
  loginItems: Electron.Settings[];
  quitPhases: QuitPhase[];
  permissionHandlers: { request: boolean; check: boolean };
}

export interface MainOptions {
  env: Record<string, string>;
  /** The command line after main.cjs (a profile to open, say). */
  args?: readonly string[];
  /** Wraps the command to run it as another user (e2e/lab/lab-users.ts asUser). */
  runAs?: (argv: readonly string[], env: Record<string, string>) => string[];
  secondInstance?: boolean;
}

/**
 * Test-only: the built Electron main process (dist/electron/main.cjs) running on the Electron
 * double in a child Node process, driven over a control pipe (main-harness.ts).
 */
export class MainProcess {
  readonly child: ChildProcess;
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #quit = false;
  readonly loaded: Promise<void>;

  constructor(options: MainOptions) {
    const env = { ...options.env, ...(options.secondInstance ? { POSTERN_DOUBLE_SECOND_INSTANCE: '1' } : {}) };
    const command = [process.execPath, '--import', 'tsx', HARNESS, MAIN_CJS, ...(options.args ?? [])];
    const argv = options.runAs ? options.runAs(command, env) : command;
    this.child = spawn(argv[0]!, argv.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: options.runAs ? process.env : { ...process.env, ...env } });
    this.child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`main exited (${code}):\n${this.output.join('')}`));
      this.#pending.clear();
      resolve(code);
    }));
    const control = this.child.stdio[3] as Duplex;
    let buffered = '';
    let markLoaded: () => void = () => undefined;
    this.loaded = new Promise((resolve, reject) => {
      markLoaded = resolve;
      void this.exited.then((code) => reject(new Error(`main exited (${code}) before loading:\n${this.output.join('')}`)));
    });
    control.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const message = JSON.parse(line) as { id?: number; ok?: boolean; value?: unknown; error?: string; event?: string };
        if (message.event === 'loaded') markLoaded();
        if (message.event === 'quit') this.#quit = true;
        if (message.id === undefined) continue;
        const waiter = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.error));
      }
    });
    control.on('error', () => undefined);
    this.#control = control;
  }

  readonly #control: Duplex;

  get quit(): boolean {
    return this.#quit;
  }

  call<T = unknown>(op: string, ...args: unknown[]): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#control.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  state(): Promise<MainState> {
    return this.call<MainState>('state');
  }

  /** The AppEvents main sent the window. */
  sentEvents(): Promise<AppEvent[]> {
    return this.call<AppEvent[]>('sent', 'postern:event');
  }

  /** ipcRenderer.invoke of the window's one call channel, from the given frame. */
  invoke(from: InvokeFrom, method: string, params: unknown = {}): Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
    return this.call('invoke', from, 'postern:call', [method, params]);
  }

  /** Polls the recorded state until `predicate` holds; fails with the last state seen. */
  async waitFor(predicate: (state: MainState) => boolean, what: string, timeoutMs = 20_000): Promise<MainState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.state();
      if (predicate(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last state:\n${JSON.stringify(state, null, 1)}\nmain said:\n${this.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async waitForEvent(predicate: (event: AppEvent) => boolean, what: string, timeoutMs = 20_000): Promise<AppEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.sentEvents()).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; main said:\n${this.output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Builds dist/electron/main.cjs when it is missing or older than electron/'s sources (the test runs the packaged entry). */
export function ensureMainBuilt(): void {
  const built = existsSync(MAIN_CJS) ? statSync(MAIN_CJS).mtimeMs : 0;
  const sources = ['electron', 'native-helper/api', 'native-helper/client', 'core/config', 'core/wire'].map((dir) => newestSource(join(REPO, dir)));
  if (built > Math.max(...sources)) return;
  const result = spawnSync(process.execPath, ['scripts/build.mjs', 'electron'], { cwd: REPO, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build:electron failed');
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(name));
    if (/\.tsx?$/.test(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
