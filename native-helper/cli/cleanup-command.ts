import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { printable } from '../api/index';
import { Firewall } from '../firewall/index';
import { DEFAULT_JOURNAL_DIR, rollbackStaleJournals } from '../netconfig/index';
import type { UndoReport } from '../netconfig/index';
import { RUN_DIR, describeHolder, networkLockPath, tryLock } from '../service/process-lock';
import { describeRecovery } from '../service/system-tunnel-service';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';

/** Whether the table was there (and is gone now), or why it could not be removed. */
export type TableRemoval = { ok: true; removed: boolean } | { ok: false; message: string };

export const CLEANUP_USAGE = 'usage: postern cleanup [--socket PATH]   (as root, with no helper and no tunnel running)';

export interface CleanupDependencies {
  uid?: number;
  env?: NodeJS.ProcessEnv;
  runDir?: string;
  journalDir?: string;
  rollback?: (journalDir: string) => Promise<UndoReport[]>;
  removeKillSwitchTable?: () => Promise<TableRemoval>;
}

/**
 * `postern cleanup`: what removing the package does once every Postern process has
 * stopped (native-helper/packaging/deb/prerm). A helper stopped by SIGTERM has already
 * taken its tunnel down, but in `auto` mode it leaves the kill switch blocking on purpose
 * (a shutdown is not the user's disconnect), and a helper that was killed leaves its undo
 * journal. Here both are settled for this network namespace: stale journals are replayed
 * (the same rollback every helper start does: a live writer's journal is never touched)
 * and the kill switch's table `inet postern` is deleted, nothing else. Refused while a
 * helper or a tunnel still runs here, since they undo their own changes when they stop.
 * The settings file is left alone: purging the package removes it. Exit 0 done, 1
 * refused or something could not be undone, 2 usage.
 */
export async function runCleanup(args: readonly string[], io: CommandIo, deps: CleanupDependencies = {}): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: [], values: [SOCKET_OPTION] });
  if (!parsed.ok || parsed.value.positional.length > 0) {
    io.err(`postern cleanup: ${parsed.ok ? 'no arguments expected' : parsed.error}\n${CLEANUP_USAGE}\n`);
    return 2;
  }
  if ((deps.uid ?? process.getuid?.() ?? 0) !== 0) {
    io.err('postern cleanup: it changes routes, DNS and the firewall, so it runs as root\n');
    return 1;
  }
  const helperFolder = dirname(resolveSocketPath(parsed.value.values, deps.env));
  const busy = stillRunning([join(helperFolder, 'helper.lock'), networkLockPath(deps.runDir ?? RUN_DIR)]);
  if (busy !== undefined) {
    io.err(`postern cleanup: ${busy}; stop it first (it undoes its own changes when it stops)\n`);
    return 1;
  }
  let failed = false;
  const rollback = deps.rollback ?? ((dir: string) => rollbackStaleJournals(dir));
  for (const report of await rollback(deps.journalDir ?? DEFAULT_JOURNAL_DIR)) {
    io.err(`postern cleanup: ${describeRecovery(report)}\n`);
    failed ||= report.failures.length > 0 || report.refused.length > 0;
  }
  const removed = await (deps.removeKillSwitchTable ?? removeTable)();
  if (!removed.ok) {
    io.err(`postern cleanup: cannot remove the kill switch's table inet postern: ${printable(removed.message)}\n`);
    failed = true;
  } else if (removed.removed) {
    io.err('postern cleanup: lifted the kill switch (deleted the nftables table inet postern)\n');
  }
  return failed ? 1 : 0;
}

/** A lock file whose lock someone holds: a helper (or a tunnel) of ours still runs. */
function stillRunning(lockPaths: readonly string[]): string | undefined {
  for (const path of lockPaths) {
    if (!existsSync(path)) continue; // never created: nothing of ours ran here since boot
    const locked = tryLock(path);
    if (locked.ok) {
      locked.value.release();
      continue;
    }
    return locked.problem ?? `a Postern process still runs: ${describeHolder(locked.holder)}`;
  }
  return undefined;
}

async function removeTable(): Promise<TableRemoval> {
  const firewall = new Firewall();
  const present = await firewall.current();
  if (present.ok && present.value === undefined) return { ok: true, removed: false };
  const removed = await firewall.remove();
  return removed.ok ? { ok: true, removed: true } : { ok: false, message: `${removed.error.message}${removed.error.stderr ? `: ${removed.error.stderr.trim()}` : ''}` };
}
