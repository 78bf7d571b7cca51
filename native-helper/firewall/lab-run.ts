// Test-only: run a program for the firewall lab (argv, never a shell), with optional stdin.
import { execFile } from 'node:child_process';

export interface LabRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function labRun(program: string, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<LabRunResult> {
  return new Promise((resolve) => {
    const child = execFile(program, argv, { encoding: 'utf8', timeout: options.timeoutMs ?? 15_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.on('error', () => { /* exited before reading: the exit code tells */ });
    child.stdin?.end(options.input ?? '');
  });
}

/** Like labRun, but a non-zero exit throws with the program's stderr. */
export async function labRunOk(program: string, argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const result = await labRun(program, argv, options);
  if (result.code !== 0) throw new Error(`${program} ${argv.join(' ')} failed (${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}
