import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkWatcher } from './network-watcher';
import type { ServerPath } from './server-path';

// The watcher's decisions with a hand-driven change source and a path table: which kernel
// changes reach the tunnel (a new path) and which do not (the same path, flaps, no path).

function rig(initial: ServerPath | undefined) {
  let path = initial;
  let fireChange: () => void = () => {};
  let monitorClosed = false;
  const changes: string[] = [];
  const logs: string[] = [];
  const watcher = new NetworkWatcher({
    changes: (onChange) => { fireChange = onChange; return { close: () => { monitorClosed = true; } }; },
    readPath: async () => path,
    debounceMs: 20,
  }, { onPathChanged: (detail) => changes.push(detail), onLog: (message) => logs.push(message) });
  return {
    watcher, changes, logs,
    setPath: (next: ServerPath | undefined) => { path = next; },
    kernelChanged: () => fireChange(),
    monitorClosed: () => monitorClosed,
  };
}

/** Generous: the debounce is 20 ms; this only has to outlast it on a loaded machine. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 300));
const ETH = { dev: 'eth0', gateway: '192.0.2.1', prefsrc: '192.0.2.2' };

test('a new source address is reported once, however many kernel messages announced it', async () => {
  const r = rig(ETH);
  r.watcher.watch('198.51.100.7');
  await settle();
  r.setPath({ ...ETH, prefsrc: '192.0.2.3' });
  for (let i = 0; i < 5; i++) r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, ['eth0 via 192.0.2.1 from 192.0.2.2 → eth0 via 192.0.2.1 from 192.0.2.3']);
  r.watcher.close();
  assert.ok(r.monitorClosed());
});

test('changes that leave the path to the server alone (our TUN, an unrelated route) cause nothing', async () => {
  const r = rig(ETH);
  r.watcher.watch('198.51.100.7');
  await settle();
  r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, []);
  r.watcher.close();
});

test('no path is logged and waited out; the path coming back on another device is reported', async () => {
  const r = rig(ETH);
  r.watcher.watch('198.51.100.7');
  await settle();
  r.setPath(undefined);
  r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, []);
  assert.equal(r.logs.length, 1);
  r.setPath({ dev: 'wlan0', gateway: '10.0.0.1', prefsrc: '10.0.0.5' });
  r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, ['none → wlan0 via 10.0.0.1 from 10.0.0.5']);
  r.watcher.close();
});

test('a new server address is a new baseline, not a change', async () => {
  const r = rig(ETH);
  r.watcher.watch('198.51.100.7');
  await settle();
  r.setPath({ ...ETH, prefsrc: '192.0.2.9' });
  r.watcher.watch('198.51.100.8');
  await settle();
  r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, []);
  r.watcher.close();
});

test('watch() settles once the baseline is read: a move right after it is a change, not the baseline', async () => {
  const r = rig(ETH);
  await r.watcher.watch('198.51.100.7');
  r.setPath({ ...ETH, prefsrc: '192.0.2.3' });
  r.kernelChanged();
  await settle();
  assert.deepEqual(r.changes, ['eth0 via 192.0.2.1 from 192.0.2.2 → eth0 via 192.0.2.1 from 192.0.2.3']);
  assert.equal(await r.watcher.watch('198.51.100.7'), undefined, 'the same server again: settles at once, no new baseline');
  r.watcher.close();
});
