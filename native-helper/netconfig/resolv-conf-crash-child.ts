// Test-only child for resolv-conf-crash.lab.test.ts: a helper that writes resolv.conf DNS
// over and over, to be SIGKILLed at a random moment. On stdin, one word a line:
//   rollback   what a helper does at start: rollbackStaleJournals; answers one JSON line
//   go         apply and undo the resolv.conf DNS in a loop, forever (answers "looping")
//   exit       leave
// With SAME_AS, RESOLV_CONF must be that very file (the bind mount `ip netns exec` makes),
// so a namespace that failed to set up can never touch the machine's own resolv.conf.
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { NetconfigRunners } from './command-runner';
import { Journal } from './journal';
import { LAB_DNS_PLAN, LAB_TUN } from './netconfig-lab-fixture';
import { ResolvConfBackend } from './resolv-conf-backend';
import { rollbackStaleJournals } from './rollback-stale-journals';
import { undoNetwork } from './undo-network';

const [journalDir, resolvConfPath, sameAs] = process.argv.slice(2);
if (!journalDir || !resolvConfPath) {
  process.stderr.write('usage: resolv-conf-crash-child JOURNAL_DIR RESOLV_CONF [SAME_AS]\n');
  process.exit(2);
}
if (sameAs !== undefined) {
  const [seen, expected] = await Promise.all([stat(resolvConfPath), stat(sameAs)]);
  if (seen.ino !== expected.ino || seen.dev !== expected.dev) {
    process.stderr.write(`${resolvConfPath} is not ${sameAs} here: refusing to touch it\n`);
    process.exit(4);
  }
}
// Only resolv.conf is journaled here; a command would be a bug in the test.
const runners: NetconfigRunners = {
  runIp: async () => ({ ok: false, stderr: 'no ip in this test', exitCode: 1 }),
  runResolvectl: async () => ({ ok: false, stderr: 'no resolvectl in this test', exitCode: 1 }),
};
const backend = new ResolvConfBackend(resolvConfPath);
const say = (line: string): void => { process.stdout.write(`${line}\n`); };

async function loop(): Promise<never> {
  for (;;) {
    const journal = await Journal.create(journalDir as string, LAB_TUN);
    if (!journal.ok) throw new Error(journal.error.message);
    const applied = await backend.apply(LAB_DNS_PLAN, LAB_TUN, journal.value);
    if (!applied.ok) throw new Error(applied.error.message);
    const report = await undoNetwork(journal.value, runners, { resolvConfPath });
    if (report.kept) throw new Error(`undo kept the journal: ${JSON.stringify(report)}`);
  }
}

// The bound: a child the test lost cannot linger.
setTimeout(() => process.exit(3), 60_000).unref();
say('ready');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rollback') say(JSON.stringify(await rollbackStaleJournals(journalDir, runners, { resolvConfPath })));
  else if (line === 'go') {
    say('looping');
    await loop();
  } else if (line === 'exit') process.exit(0);
}
