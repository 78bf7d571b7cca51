import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; 124 when the timeout killed it, 1 when it died of another signal. */
  code: number;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Written to the program's stdin, which is then closed. */
  input?: string;
}

/** Runs a program with an argument array (never a shell string); never throws on a non-zero exit. */
export function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(program, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ stdout: String(stdout), stderr: String(stderr), code: exitCode(error) });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

function exitCode(error: (Error & { code?: unknown; killed?: boolean }) | null): number {
  if (!error) return 0;
  if (typeof error.code === 'number') return error.code;
  return error.killed ? 124 : 1;
}

/** Like run, but a non-zero exit is an error carrying the command's stderr. */
export async function runOk(program: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(program, args, options);
  if (result.code !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}

/**
 * Starts a long-running program inside a namespace. `ip netns exec` execs the program
 * in place, so the child's pid is the program's own and signals reach it directly.
 */
export function spawnInNamespace(namespace: string, argv: readonly string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', namespace, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
}
