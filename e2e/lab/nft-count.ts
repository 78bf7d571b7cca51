import assert from 'node:assert/strict';
import type { Lab } from './lab';

/**
 * Test-only: counting tables of the lab's own, in one of its namespaces, so a test can say how
 * many packets went somewhere (a leak count is a number, not a guess).
 */
export async function loadNftScript(lab: Lab, namespace: string, script: string): Promise<void> {
  const loaded = await lab.exec(namespace, ['nft', '-f', '-'], { input: script });
  assert.equal(loaded.code, 0, loaded.stderr);
}

/** Packets counted by the named counter of `inet TABLE` in the namespace; -1 when it is not there. */
export async function nftCounter(lab: Lab, namespace: string, table: string, name: string): Promise<number> {
  const listed = await lab.exec(namespace, ['nft', '-j', 'list', 'counter', 'inet', table, name]);
  if (listed.code !== 0) return -1;
  const counter = (JSON.parse(listed.stdout) as { nftables: Array<{ counter?: { packets: number } }> }).nftables.find((item) => item.counter);
  return counter?.counter?.packets ?? -1;
}
