import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const POSTERN_BIN = fileURLToPath(new URL('../../../bin/postern.mjs', import.meta.url));

/**
 * Test-only: the real `postern` command (bin/postern.mjs, TypeScript through tsx) in a
 * network namespace, with its JSON lines parsed as they arrive and stdin open for answers.
 */
export class PosternProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;
  #waiters = new Set<() => void>();

  /**
   * `runAs` wraps the command line to run it as another user (e2e/lab/lab-users.ts asUser);
   * it must exec, not fork, so that signals reach postern itself. `program` is what runs
   * `postern` (default: this Node with the checkout's bin/postern.mjs; the package test
   * gives the installed /usr/bin/postern).
   */
  constructor(
    namespace: string | undefined, args: readonly string[], env: NodeJS.ProcessEnv = {}, runAs?: (argv: readonly string[]) => string[],
    program: readonly string[] = [process.execPath, POSTERN_BIN],
  ) {
    const command = [...program, ...args];
    const argv = [...(namespace === undefined ? [] : ['ip', 'netns', 'exec', namespace]), ...(runAs ? runAs(command) : command)];
    this.child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let buffered = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) this.#take(part);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => { this.stderr.push(chunk.toString()); this.#wake(); });
    this.child.stdin?.on('error', () => {}); // the process may exit before reading everything
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => { resolve(code); this.#wake(); }));
  }

  /** Resolves with the first JSON line that matches; fails with everything seen so far. */
  async waitForLine(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no matching line (exit ${this.child.exitCode}); stdout:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${this.stderr.join('')}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#waiters.add(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  waitForState(state: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitForLine((line) => line['type'] === 'state' && line['state'] === state, timeoutMs);
  }

  send(line: object): void {
    this.child.stdin?.write(`${JSON.stringify(line)}\n`);
  }

  /** Signals the process and waits for its exit code (SIGKILL after a grace period). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.#signal(signal);
    const timer = setTimeout(() => this.#signal('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** `ip netns exec` passes signals on by exec'ing: the child's pid is node's. */
  #signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.child.pid ?? 0, signal);
    } catch {
      // already gone
    }
  }

  #take(text: string): void {
    if (text.trim() === '') return;
    try {
      this.lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      this.lines.push({ type: 'text', text });
    }
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }
}
