import type { AeadAlgorithm } from '../core/index';
import { AddonNotBuiltError, loadTunAddon, type DataKeyBenchLoop } from '../native-helper/addon/tun-addon';

/**
 * The native data plane's crypto per cipher: DataKey seal and open in a C++ loop (the addon's
 * dataKeyBench), with no JavaScript per packet, as the plane runs. Ratios are to `openssl
 * speed -evp`'s one-way bytes/s at the same block size:
 * - seal / open: one direction's bytes/s ÷ OpenSSL's (the one-way figure; 1.0 = OpenSSL's pace);
 * - roundTrip: 2 × round-trip bytes/s ÷ OpenSSL's, as the other data-channel ratios
 *   (a round trip is two cipher operations).
 * `bareEvp` and `evpStream` run the same loop without DataKey, to show where a gap lies:
 * in DataKey, in OpenSSL's per-packet AEAD set-up (nonce, tag), or in none of ours.
 * `evpStream` is what `openssl speed -evp` times, but with Node's OpenSSL (the plane's) and
 * in slices interleaved with DataKey's, so both see the same load: on a shared machine the
 * ratio to it (`…RatioToEvpStream`) moves far less than the ratio to a separate 1-second run.
 *
 * What `openssl speed -evp` times is not the same for every cipher (Debian's 3.0.22, counted
 * with an LD_PRELOAD shim on EVP_CipherInit_ex / EVP_EncryptUpdate): for AES-GCM it sets key
 * and IV again before every block, a key schedule per packet that DataKey never pays, so a
 * ratio above 1 is real; ChaCha20-Poly1305 it streams, with no per-packet Poly1305 key or tag,
 * so that ratio carries all of the AEAD's per-packet work.
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
  sealRatioToEvpStream: number;
  openRatioToEvpStream: number;
  bareEvp: BaselineFigures;
  evpStream: BaselineFigures;
}

interface BaselineFigures { sealBytesPerSecond: number; openBytesPerSecond: number; sealRatioToOpenssl: number | undefined; openRatioToOpenssl: number | undefined }

/** DATA_V2 with a pushed peer id, as 2.4+ servers send. */
const PEER_ID = 1;
/** Each loop runs SLICES × SLICE_MS, the three loops taking turns. */
const SLICES = 10;
const SLICE_MS = 100;
const LOOPS: DataKeyBenchLoop[] = ['data-key', 'evp', 'evp-stream'];
/** Enough packets to bring the clock up and the buffers in before anything is timed. */
const WARM_UP_PACKETS = 20_000;

interface Totals { packets: number; bytes: number; sealNs: number; openNs: number }

const perSecond = (bytes: number, ns: number): number => Math.round(bytes / (ns / 1e9));
const ratio = (bytesPerSecond: number, reference: number | undefined): number | undefined =>
  reference ? Number((bytesPerSecond / reference).toFixed(3)) : undefined;

function measure(algorithm: AeadAlgorithm, packetBytes: number): Record<DataKeyBenchLoop, Totals> {
  const totals = Object.fromEntries(LOOPS.map((loop) => [loop, { packets: 0, bytes: 0, sealNs: 0, openNs: 0 }])) as Record<DataKeyBenchLoop, Totals>;
  for (let slice = 0; slice < SLICES; slice++) {
    for (const loop of LOOPS) {
      const result = loadTunAddon().dataKeyBench({ algorithm, packetBytes, peerId: PEER_ID, durationMs: SLICE_MS, loop });
      // Every packet must open to what was sealed; a loop that fails fast would only look fast.
      if (result.failures !== 0) throw new Error(`bench: ${algorithm} ${loop}: ${result.failures} of ${result.packets} packets did not open`);
      const total = totals[loop];
      total.packets += result.packets;
      total.bytes += result.bytes;
      total.sealNs += result.sealNs;
      total.openNs += result.openNs;
    }
  }
  return totals;
}

function baseline(totals: Totals, openssl: number | undefined): BaselineFigures {
  const seal = perSecond(totals.bytes, totals.sealNs);
  const open = perSecond(totals.bytes, totals.openNs);
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
  const totals = measure(algorithm, packetBytes);
  const dataKey = totals['data-key'];
  const seal = perSecond(dataKey.bytes, dataKey.sealNs);
  const open = perSecond(dataKey.bytes, dataKey.openNs);
  const roundTrip = perSecond(dataKey.bytes, dataKey.sealNs + dataKey.openNs);
  const evpStream = baseline(totals['evp-stream'], opensslBytesPerSecond);
  return {
    packets: dataKey.packets,
    sealBytesPerSecond: seal,
    openBytesPerSecond: open,
    roundTripBytesPerSecond: roundTrip,
    sealGbitPerSecond: Number(((seal * 8) / 1e9).toFixed(3)),
    openGbitPerSecond: Number(((open * 8) / 1e9).toFixed(3)),
    sealRatioToOpenssl: ratio(seal, opensslBytesPerSecond),
    openRatioToOpenssl: ratio(open, opensslBytesPerSecond),
    roundTripRatioToOpenssl: ratio(2 * roundTrip, opensslBytesPerSecond),
    sealRatioToEvpStream: ratio(seal, evpStream.sealBytesPerSecond) ?? 0,
    openRatioToEvpStream: ratio(open, evpStream.openBytesPerSecond) ?? 0,
    bareEvp: baseline(totals.evp, opensslBytesPerSecond),
    evpStream,
  };
}
