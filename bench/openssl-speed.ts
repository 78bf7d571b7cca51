import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Bytes per second OpenSSL itself reaches for one cipher on 1400-byte blocks on this
 * machine: the physical limit any Node data channel (which calls the same OpenSSL) can
 * approach. Uses `openssl speed -mr`, whose `+F:` line carries bytes/s.
 */
export async function opensslSpeed(evpName: string, blockBytes = 1400, seconds = 1): Promise<number | undefined> {
  try {
    const { stdout } = await run('openssl', ['speed', '-evp', evpName, '-seconds', String(seconds), '-bytes', String(blockBytes), '-mr'], { timeout: 30_000 });
    const line = stdout.split('\n').find((l) => l.startsWith('+F:'));
    const value = Number(line?.split(':').at(-1));
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
