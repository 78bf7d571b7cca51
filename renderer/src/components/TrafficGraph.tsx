import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsSample } from '../store/stats-ring';
import { STATS_WINDOW, formatRate } from '../store/stats-ring';

/** Download and upload rates over the last five minutes, drawn by uPlot, updated every second. */
export function TrafficGraph({ samples }: { samples: StatsSample[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const style = getComputedStyle(document.documentElement);
    const axis = { stroke: style.getPropertyValue('--text-muted') || '#666', grid: { stroke: style.getPropertyValue('--grid') || '#ddd' } };
    plot.current = new uPlot({
      width: element.clientWidth || 560, height: 180,
      legend: { show: false },
      series: [{}, { label: 'Down', stroke: '#2f7de1', width: 2, fill: 'rgba(47,125,225,0.12)' }, { label: 'Up', stroke: '#e07b24', width: 2 }],
      axes: [axis, { ...axis, size: 80, values: (_u, ticks) => ticks.map((t) => formatRate(t)) }],
      // Always the last five minutes, so a fresh connection starts at the right edge.
      scales: { x: { time: true, range: (_u, _min, max) => [max - STATS_WINDOW, max] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1000)] } },
    }, [[], [], []], element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: 180 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);
  useEffect(() => {
    plot.current?.setData([samples.map((s) => s.atSeconds), samples.map((s) => s.inBitsPerSecond), samples.map((s) => s.outBitsPerSecond)]);
  }, [samples]);
  const last = samples.at(-1);
  return (
    <div ref={container} className="traffic-graph" data-testid="traffic-graph" role="img"
      aria-label={`Traffic over the last five minutes; now ${formatRate(last?.inBitsPerSecond ?? 0)} down, ${formatRate(last?.outBitsPerSecond ?? 0)} up`} />
  );
}
