import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { labTest } from '../../e2e/lab/lab-test';
import { LAB_DNS_PLAN, LAB_TUN, labNamespaceName } from './netconfig-lab-fixture';
import { renderResolvConf } from './resolv-conf-backend';
import type { UndoReport } from './undo-network';

// SIGKILL at random moments while a helper applies and undoes resolv.conf DNS: the file is
// never empty and always the original or Postern's whole file, and the next start's
// rollback brings the original back byte for byte. Twice: a plain file (atomic rename) and
// the namespace's bind-mounted /etc/resolv.conf under `ip netns exec` (written in place).

const run = promisify(execFile);
const CHILD_SOURCE = join(import.meta.dirname, 'resolv-conf-crash-child.ts');
const ITERATIONS = 15; // per mode: 30 kills in all
/** Longer than Postern's file, so one direction of the in-place write pads and truncates. */
const ORIGINAL = Buffer.from(`# the machine's own resolver, long enough to be cut down\n${'# padding line\n'.repeat(8)}nameserver 192.0.2.53\nsearch home.example\n`);
const POSTERN = Buffer.from(renderResolvConf(LAB_DNS_PLAN.resolvConf ?? { nameservers: [], search: [] }, LAB_TUN));

/** One child helper, speaking the line protocol of resolv-conf-crash-child.ts. */
class CrashChild {
  private readonly lines: string[] = [];
  private waiting: (() => void) | undefined;
  readonly exited: Promise<unknown>;

  constructor(private readonly process: ChildProcessWithoutNullStreams) {
    let partial = '';
    process.stdout.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.waiting?.();
    });
    let stderr = '';
    process.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    // 'close', not 'exit': it comes after stdout is drained, so no last line is lost.
    this.exited = new Promise((resolve) => process.once('close', (code, signal) => resolve({ code, signal, stderr })));
  }

  async line(): Promise<string> {
    const timeout = AbortSignal.timeout(15_000);
    while (this.lines.length === 0) {
      const outcome = await Promise.race([
        new Promise<'line'>((resolve) => { this.waiting = () => resolve('line'); }),
        this.exited.then((how) => ({ exited: how })),
        new Promise<'timeout'>((resolve) => timeout.addEventListener('abort', () => resolve('timeout'), { once: true })),
      ]);
      if (this.lines.length > 0) break;
      if (outcome === 'timeout') throw new Error('the child said nothing for 15 s');
      if (typeof outcome === 'object') throw new Error(`the child exited: ${JSON.stringify(outcome.exited)}`);
    }
    return this.lines.shift() as string;
  }

  send(word: string): void {
    this.process.stdin.write(`${word}\n`);
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}

interface Mode {
  /** The resolv.conf as this test process sees it. */
  observed: string;
  journalDir: string;
  /** argv for the child (program first). */
  childArgv: string[];
  inPlace: boolean;
}

/** The whole original, Postern's whole file, or (written in place) one of them followed by the newlines that pad it. */
function isWholeFile(bytes: Buffer, inPlace: boolean): boolean {
  if (bytes.length === 0) return false;
  return [ORIGINAL, POSTERN].some((whole) => bytes.equals(whole)
    || (inPlace && bytes.length > whole.length && bytes.subarray(0, whole.length).equals(whole) && bytes.subarray(whole.length).every((byte) => byte === 0x0a)));
}

async function killRepeatedly(t: TestContext, mode: Mode): Promise<void> {
  const start = (): Promise<CrashChild> => {
    const [program = '', ...args] = mode.childArgv;
    const child = new CrashChild(spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
    t.after(() => child.kill());
    return child.line().then((said) => {
      assert.equal(said, 'ready');
      return child;
    });
  };
  // Each kill needs a new process: the next ones load while one runs.
  const pool: Array<Promise<CrashChild>> = [];
  let started = 0;
  const topUp = (): void => {
    while (pool.length < 2 && started <= ITERATIONS) {
      started += 1;
      const next = start();
      next.catch(() => undefined); // a spare killed by t.after when the test fails early: not an unhandled rejection
      pool.push(next);
    }
  };
  const seen = new Map<string, number>();
  for (let iteration = 0; iteration <= ITERATIONS; iteration++) {
    topUp();
    const child = await pool.shift();
    assert.ok(child);
    topUp();
    child.send('rollback');
    const reports = JSON.parse(await child.line()) as UndoReport[];
    for (const report of reports) assert.deepEqual({ failures: report.failures, refused: report.refused, kept: report.kept }, { failures: [], refused: [], kept: false });
    if (reports.some((report) => report.undone > 0)) seen.set('restored at the next start', (seen.get('restored at the next start') ?? 0) + 1);
    assert.deepEqual(await readFile(mode.observed), ORIGINAL, `after the rollback of kill ${iteration}, the original to the byte`);
    if (iteration === ITERATIONS) {
      child.send('exit');
      await child.exited;
      break;
    }
    child.send('go');
    assert.equal(await child.line(), 'looping');
    // While it runs, every read finds a whole file. In place, a read racing a write may see a
    // mix of old and new bytes, but never an empty file: the size never drops below the new one.
    let running = true;
    const watcher = (async () => {
      while (running) {
        const bytes = await readFile(mode.observed);
        assert.ok(mode.inPlace ? bytes.length > 0 : isWholeFile(bytes, false), `a reader saw ${JSON.stringify(bytes.toString())}`);
      }
    })();
    // A cycle (journal, backup, record, write, restore, removal) takes 10–40 ms: this lands anywhere in the first few.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
    await child.kill();
    running = false;
    await watcher;
    const after = await readFile(mode.observed);
    assert.ok(isWholeFile(after, mode.inPlace), `after kill ${iteration}: ${JSON.stringify(after.toString())}`);
    const state = after.equals(ORIGINAL) ? 'original' : after.equals(POSTERN) ? 'postern' : 'padded';
    seen.set(state, (seen.get(state) ?? 0) + 1);
  }
  assert.deepEqual(await readdir(mode.journalDir), [], 'every journal and backup was taken back and removed');
  t.diagnostic(`after each kill: ${JSON.stringify(Object.fromEntries(seen))}`);
}

async function scratch(t: TestContext): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'postern-resolv-crash-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  return base;
}

/**
 * The child as one plain ESM file: node starts it in about 0.15 s where tsx takes 1 s,
 * which is what keeps 30 kills within seconds.
 */
async function bundleChild(base: string): Promise<string> {
  const outfile = join(base, 'resolv-conf-crash-child.mjs');
  await build({ entryPoints: [CHILD_SOURCE], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'warning' });
  return outfile;
}

labTest('SIGKILL while resolv.conf is replaced by rename: never empty, always whole, rolled back to the byte', { timeout: 30_000 }, async (t) => {
  const base = await scratch(t);
  const etc = join(base, 'etc');
  await mkdir(etc);
  const observed = join(etc, 'resolv.conf');
  await writeFile(observed, ORIGINAL);
  const journalDir = join(base, 'journal');
  const child = await bundleChild(base);
  await killRepeatedly(t, { observed, journalDir, inPlace: false, childArgv: [process.execPath, child, journalDir, observed] });
  assert.deepEqual(await readdir(etc), ['resolv.conf'], 'no temp file left beside it');
});

labTest('SIGKILL while the bind-mounted resolv.conf of ip netns exec is written in place: never empty, always whole, rolled back', { timeout: 30_000 }, async (t) => {
  const base = await scratch(t);
  const name = labNamespaceName();
  const nsEtc = `/etc/netns/${name}`;
  t.after(async () => {
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    await rm(nsEtc, { recursive: true, force: true });
  });
  await run('ip', ['netns', 'add', name]);
  await mkdir(nsEtc, { recursive: true });
  const observed = join(nsEtc, 'resolv.conf');
  await writeFile(observed, ORIGINAL);
  const journalDir = join(base, 'journal');
  const child = await bundleChild(base);
  const machineResolvConf = await readFile('/etc/resolv.conf').catch(() => undefined);
  await killRepeatedly(t, {
    observed, journalDir, inPlace: true,
    childArgv: ['ip', 'netns', 'exec', name, process.execPath, child, journalDir, '/etc/resolv.conf', observed],
  });
  assert.deepEqual(await readFile('/etc/resolv.conf').catch(() => undefined), machineResolvConf, 'the machine\'s own resolv.conf was never touched');
  assert.equal(existsSync('/etc/.resolv.conf.postern-tmp'), false, 'a mount point is written in place: no temp file in /etc');
});
