import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addonSkipReason } from './addon-test-prerequisites';
import { loadTunAddon, type DataKeyBenchLoop, type DataKeyBenchOptions } from './tun-addon';

// dataKeyBench is `npm run bench`'s (bench/plane-data-key-bench.ts); here only that it
// counts what it ran and refuses bad options with a JS error, never a crash. Its times are
// the bench's business: nothing here depends on how fast the machine is.

const skip = addonSkipReason({ root: false });
const ALGORITHMS = ['aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'chacha20-poly1305'] as const;
const LOOPS: DataKeyBenchLoop[] = ['data-key', 'evp', 'evp-stream'];

describe('dataKeyBench (the addon\'s native DataKey loop)', { skip }, () => {
  for (const algorithm of ALGORITHMS) {
    for (const loop of LOOPS) {
      test(`${algorithm} ${loop}: a small count runs exactly, every packet opens, the times add up`, () => {
        // 70: one full batch of 64 and a short one.
        for (const peerId of [undefined, -1, 0, 0xffffff]) {
          const result = loadTunAddon().dataKeyBench({ algorithm, packetBytes: 100, packets: 70, loop, ...(peerId === undefined ? {} : { peerId }) });
          assert.equal(result.packets, 70);
          assert.equal(result.bytes, 7000);
          assert.equal(result.failures, 0);
          assert.ok(result.sealNs > 0 && result.openNs > 0, JSON.stringify(result));
          assert.equal(result.roundTripNs, result.sealNs + result.openNs);
        }
      });
    }
  }

  test('the extremes of packetBytes: 1 byte and 64 KiB', () => {
    for (const packetBytes of [1, 65_536]) {
      const result = loadTunAddon().dataKeyBench({ algorithm: 'aes-256-gcm', packetBytes, packets: 3 });
      assert.deepEqual({ packets: result.packets, bytes: result.bytes, failures: result.failures }, { packets: 3, bytes: 3 * packetBytes, failures: 0 });
    }
  });

  test('a duration alone stops the loop; with a count too, whichever comes first', () => {
    const byTime = loadTunAddon().dataKeyBench({ algorithm: 'aes-128-gcm', packetBytes: 64, durationMs: 1 });
    assert.ok(byTime.packets >= 1 && byTime.failures === 0, JSON.stringify(byTime));
    const byCount = loadTunAddon().dataKeyBench({ algorithm: 'aes-128-gcm', packetBytes: 64, packets: 5, durationMs: 60_000 });
    assert.equal(byCount.packets, 5);
  });

  const bad: Array<[string, unknown, typeof TypeError | typeof RangeError]> = [
    ['no options', undefined, TypeError],
    ['an unknown cipher', { algorithm: 'aes-256-cbc', packetBytes: 1400, packets: 1 }, RangeError],
    ['a cipher name that is not a string', { algorithm: 256, packetBytes: 1400, packets: 1 }, TypeError],
    ['no packetBytes', { algorithm: 'aes-256-gcm', packets: 1 }, TypeError],
    ['zero packetBytes', { algorithm: 'aes-256-gcm', packetBytes: 0, packets: 1 }, RangeError],
    ['packetBytes over 64 KiB', { algorithm: 'aes-256-gcm', packetBytes: 65_537, packets: 1 }, RangeError],
    ['fractional packetBytes', { algorithm: 'aes-256-gcm', packetBytes: 1.5, packets: 1 }, RangeError],
    ['packetBytes as a string', { algorithm: 'aes-256-gcm', packetBytes: '1400', packets: 1 }, TypeError],
    ['a peer id over 24 bits', { algorithm: 'aes-256-gcm', packetBytes: 1400, packets: 1, peerId: 0x1000000 }, RangeError],
    ['zero packets', { algorithm: 'aes-256-gcm', packetBytes: 1400, packets: 0 }, RangeError],
    ['neither packets nor durationMs', { algorithm: 'aes-256-gcm', packetBytes: 1400 }, TypeError],
    ['a duration over a minute', { algorithm: 'aes-256-gcm', packetBytes: 1400, durationMs: 60_001 }, RangeError],
    ['an unknown loop', { algorithm: 'aes-256-gcm', packetBytes: 1400, packets: 1, loop: 'fast' }, RangeError],
  ];
  for (const [what, options, error] of bad) {
    test(`refuses ${what} with a ${error.name}`, () => {
      assert.throws(() => loadTunAddon().dataKeyBench(options as DataKeyBenchOptions), error);
    });
  }
});
