import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedBetween, kernelDropTotal, parseDropCounters } from './drop-counters';

const PROC = [
  'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors',
  'Udp: 1000 2 30 900 30 0 0 0 0',
  'Udp6RcvbufErrors                  4',
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  ' 1017: 00000000000000000000000000000000:04AA 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3341 2 0000000000000000 30',
].join('\n');
const LINKS = JSON.stringify([{ ifname: 'tun0', stats64: { rx: { dropped: 0, errors: 0 }, tx: { dropped: 7, errors: 0 } } }]);

test('the counters of a namespace: UDP buffer errors, each socket\'s drops, each link\'s', () => {
  const counters = parseDropCounters(PROC, LINKS);
  assert.equal(counters['udp.RcvbufErrors'], 30);
  assert.equal(counters['udp.NoPorts'], 2);
  assert.equal(counters['udp6.RcvbufErrors'], 4);
  assert.equal(counters['socket 00000000000000000000000000000000:04AA.drops'], 30);
  assert.equal(counters['link tun0.tx_dropped'], 7);
});

test('what grew between two readings, and each drop counted once (InErrors and a socket repeat RcvbufErrors)', () => {
  const before = parseDropCounters(PROC, LINKS);
  const after = { ...before, 'udp.RcvbufErrors': 50, 'udp.InErrors': 50, 'socket 00000000000000000000000000000000:04AA.drops': 50, 'link tun0.tx_dropped': 9 };
  const grown = droppedBetween(before, after);
  assert.deepEqual(grown, { 'udp.RcvbufErrors': 20, 'udp.InErrors': 20, 'socket 00000000000000000000000000000000:04AA.drops': 20, 'link tun0.tx_dropped': 2 });
  assert.equal(kernelDropTotal(grown), 22);
});
