import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const OTHER_UID_CLIENT = fileURLToPath(new URL('./other-uid-client.ts', import.meta.url));

export type ChildResult = Record<string, { ok: boolean; value?: unknown; error?: { code: string; message: string } } | undefined> & { uid: number; events: unknown[] };

/** nobody:nogroup and no other group: a member only of a helper whose group is nogroup. */
const AS_NOBODY = (argv: readonly string[]): string[] => ['setpriv', '--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', ...argv];

/**
 * Starts testing/other-uid-client.ts as another user (nobody unless `runAs` names one, as
 * e2e/lab/lab-users.ts asUser does); resolves once it has subscribed.
 */
export async function runAsNobody(socketPath: string, mode: 'observe' | 'own', runAs: (argv: readonly string[]) => string[] = AS_NOBODY): Promise<{ finish(): Promise<ChildResult> }> {
  const [program = 'setpriv', ...args] = runAs([process.execPath, '--import', 'tsx', OTHER_UID_CLIENT, socketPath, mode]);
  const child = spawn(program, args, {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; });
  const deadline = Date.now() + 15_000;
  while (!output.includes('subscribed') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.match(output, /subscribed/, `the nobody client did not subscribe: ${output}`);
  return {
    async finish() {
      child.stdin.end('go\n');
      await closed;
      return JSON.parse(output.slice(output.indexOf('\n') + 1)) as ChildResult;
    },
  };
}
