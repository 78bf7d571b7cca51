import type { AeadAlgorithm } from '../core/index';
import { AddonNotBuiltError, loadTunAddon, type DataKeyBenchLoop, type DataKeyBenchResult } from '../native-helper/addon/tun-addon';

/**
 * The native data plane's crypto per cipher: DataKey seal and open in a C++ loop (the addon's
 * dataKeyBench), with no JavaScript per packet, as the plane runs. Ratios are to `openssl
 * speed -evp`'s one-way bytes/s at the same block size:
 * - seal / open: one direction's bytes/s ÷ OpenSSL's (the one-way figure; 1.0 = OpenSSL's pace);
 * - roundTrip: 2 × round-trip bytes/s ÷ OpenSSL's, as the other data-channel ratios
 *   (a round trip is two cipher operations).
 * `bareEvp` and `evpStream` run the same loop without DataKey, to show where a gap lies:
 * in DataKey, in OpenSSL's per-packet AEAD set-up (nonce, tag), or in none of ours.
 */
export interface PlaneDataKeyFigures {
  packets: number;
  sealBytesPerSecond: number;
  openBytesPerSecond: number;
  roundTripBytesPerSecond: number;
  sealGbitPerSecond: number;
  openGbitPerSecond: number;
  sealRatioToOpenssl: number | undefined;
  openRatioToOpenssl: number | undefined;
  roundTripRatioToOpenssl: number | undefined;
  bareEvp: BaselineFigures;
  evpStream: BaselineFigures;
}

interface BaselineFigures { sealBytesPerSecond: number; openBytesPerSecond: number; sealRatioToOpenssl: number | undefined; openRatioToOpenssl: number | undefined }

/** DATA_V2 with a pushed peer id, as 2.4+ servers send. */
const PEER_ID = 1;
const MEASURE_MS = 1000;
const BASELINE_MS = 500;
/** Enough packets to bring the clock up and the buffers in before anything is timed. */
const WARM_UP_PACKETS = 20_000;

const perSecond = (bytes: number, ns: number): number => Math.round(bytes / (ns / 1e9));
const ratio = (bytesPerSecond: number, openssl: number | undefined): number | undefined =>
  openssl ? Number((bytesPerSecond / openssl).toFixed(3)) : undefined;

function run(algorithm: AeadAlgorithm, packetBytes: number, loop: DataKeyBenchLoop, durationMs: number): DataKeyBenchResult {
  const result = loadTunAddon().dataKeyBench({ algorithm, packetBytes, peerId: PEER_ID, durationMs, loop });
  // Every packet must open to what was sealed; a loop that fails fast would only look fast.
  if (result.failures !== 0) throw new Error(`bench: ${algorithm} ${loop}: ${result.failures} of ${result.packets} packets did not open`);
  return result;
}

function baseline(algorithm: AeadAlgorithm, packetBytes: number, loop: DataKeyBenchLoop, openssl: number | undefined): BaselineFigures {
  const result = run(algorithm, packetBytes, loop, BASELINE_MS);
  const seal = perSecond(result.bytes, result.sealNs);
  const open = perSecond(result.bytes, result.openNs);
  return { sealBytesPerSecond: seal, openBytesPerSecond: open, sealRatioToOpenssl: ratio(seal, openssl), openRatioToOpenssl: ratio(open, openssl) };
}

/** undefined where the addon is not built (as the other helper figures). */
export function benchPlaneDataKey(algorithm: AeadAlgorithm, packetBytes: number, opensslBytesPerSecond: number | undefined): PlaneDataKeyFigures | undefined {
  try {
    loadTunAddon().dataKeyBench({ algorithm, packetBytes, peerId: PEER_ID, packets: WARM_UP_PACKETS });
  } catch (error) {
    if (error instanceof AddonNotBuiltError) return undefined;
    throw error;
  }
  const result = run(algorithm, packetBytes, 'data-key', MEASURE_MS);
  const seal = perSecond(result.bytes, result.sealNs);
  const open = perSecond(result.bytes, result.openNs);
  const roundTrip = perSecond(result.bytes, result.roundTripNs);
  return {
    packets: result.packets,
    sealBytesPerSecond: seal,
    openBytesPerSecond: open,
    roundTripBytesPerSecond: roundTrip,
    sealGbitPerSecond: Number(((seal * 8) / 1e9).toFixed(3)),
    openGbitPerSecond: Number(((open * 8) / 1e9).toFixed(3)),
    sealRatioToOpenssl: ratio(seal, opensslBytesPerSecond),
    openRatioToOpenssl: ratio(open, opensslBytesPerSecond),
    roundTripRatioToOpenssl: ratio(2 * roundTrip, opensslBytesPerSecond),
    bareEvp: baseline(algorithm, packetBytes, 'evp', opensslBytesPerSecond),
    evpStream: baseline(algorithm, packetBytes, 'evp-stream', opensslBytesPerSecond),
  };
}
