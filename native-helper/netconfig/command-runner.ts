import { execFile } from 'node:child_process';

export type CommandResult = { ok: true; stdout: string } | { ok: false; stderr: string; exitCode: number | null };

/** Runs one program with an argv (never a shell); never rejects: a failure is a result. */
export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * `execFile(program, [...prefix, ...argv])`. Production: `execFileRunner('ip')`; tests in
 * a namespace: `execFileRunner('ip', ['-n', ns])`.
 */
export function execFileRunner(program: string, prefix: readonly string[] = [], timeoutMs = DEFAULT_TIMEOUT_MS): CommandRunner {
  return (argv) => new Promise((resolve) => {
    execFile(program, [...prefix, ...argv], { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, stdout });
        return;
      }
      const exitCode = typeof error.code === 'number' ? error.code : null;
      const detail = stderr.trim() !== '' ? stderr.trim() : error.message;
      resolve({ ok: false, stderr: detail, exitCode });
    });
  });
}

/** The two programs netconfig runs; both injected so tests can aim them at a namespace or a fake. */
export interface NetconfigRunners {
  runIp: CommandRunner;
  runResolvectl: CommandRunner;
}

export function systemRunners(): NetconfigRunners {
  return { runIp: execFileRunner('ip'), runResolvectl: execFileRunner('resolvectl') };
}
