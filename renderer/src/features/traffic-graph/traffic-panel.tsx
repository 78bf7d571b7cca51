import { formatBytes, formatRate } from '../../format';
import { usePosternStore } from '../../store/use-postern-store';
import { TrafficGraph } from './traffic-graph';

/** The current rates, the session's totals, and five minutes of history. */
export function TrafficPanel() {
  const samples = usePosternStore((s) => s.samples);
  const stats = usePosternStore((s) => s.stats);
  const last = samples.at(-1);
  return (
    <section className="traffic" aria-labelledby="traffic-heading">
      <h3 id="traffic-heading">Traffic</h3>
      <dl className="traffic-figures">
        <div><dt><span className="swatch swatch-down" aria-hidden="true" />Down</dt><dd data-testid="rate-in">{formatRate(last?.inBitsPerSecond ?? 0)}</dd></div>
        <div><dt><span className="swatch swatch-up" aria-hidden="true" />Up</dt><dd data-testid="rate-out">{formatRate(last?.outBitsPerSecond ?? 0)}</dd></div>
        <div><dt>Received</dt><dd data-testid="total-in">{formatBytes(stats?.bytesIn ?? 0)}</dd></div>
        <div><dt>Sent</dt><dd data-testid="total-out">{formatBytes(stats?.bytesOut ?? 0)}</dd></div>
        {stats?.keepaliveRttMs != null && <div><dt>Round trip</dt><dd data-testid="keepalive-rtt">{Math.round(stats.keepaliveRttMs)} ms</dd></div>}
      </dl>
      <TrafficGraph samples={samples} />
    </section>
  );
}
