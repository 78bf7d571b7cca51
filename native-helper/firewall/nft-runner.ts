import { execFile } from 'node:child_process';

export type NftResult = { ok: true; stdout: string } | { ok: false; stderr: string; exitCode: number | null };

/**
 * Runs `nft` with an argv (never a shell) and, when given, a script on stdin. Never rejects:
 * a failure is a result. Injected so unit tests can record scripts and lab tests can aim
 * at a namespace.
 */
export type NftRunner = (argv: readonly string[], stdin?: string) => Promise<NftResult>;

export interface NftRunnerOptions {
  /** Run inside this network namespace (`ip netns exec NS nft …`): lab tests. */
  namespace?: string;
  /** Default 10 s: nft on a loaded machine answers in milliseconds. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A listing of our table is a few KB; this bounds a misbehaving nft's output. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function nftRunner(options: NftRunnerOptions = {}): NftRunner {
  const [program, prefix] = options.namespace === undefined
    ? ['nft', []]
    : ['ip', ['netns', 'exec', options.namespace, 'nft']];
  return (argv, stdin) => new Promise((resolve) => {
    const child = execFile(program, [...prefix, ...argv], {
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES,
    }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, stdout });
        return;
      }
      const exitCode = typeof error.code === 'number' ? error.code : null;
      resolve({ ok: false, stderr: stderr.trim() !== '' ? stderr.trim() : error.message, exitCode });
    });
    child.stdin?.on('error', () => { /* nft exited before reading: its exit status tells */ });
    child.stdin?.end(stdin ?? '');
  });
}
