import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatRate } from '../../format';
import type { StatsSample } from '../../store/stats-ring';
import { STATS_WINDOW } from '../../store/stats-ring';
import { useDarkScheme } from './use-color-scheme';

const HEIGHT_PX = 180;

/** Download and upload rates over the last five minutes, drawn by uPlot, updated every second. */
export function TrafficGraph({ samples }: { samples: StatsSample[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(samples);
  const dark = useDarkScheme();
  // Declared first, so it has run when the plot below is (re)built from `latest`.
  useEffect(() => {
    latest.current = samples;
    plot.current?.setData(toData(samples));
  }, [samples]);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    plot.current = new uPlot(graphOptions(element.clientWidth || 560), toData(latest.current), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: HEIGHT_PX }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [dark]); // the canvas cannot follow CSS variables: rebuild on a theme change
  const last = samples.at(-1);
  return (
    <div ref={container} className="traffic-graph" data-testid="traffic-graph" data-samples={samples.length} role="img"
      aria-label={`Traffic over the last five minutes; now ${formatRate(last?.inBitsPerSecond ?? 0)} down, ${formatRate(last?.outBitsPerSecond ?? 0)} up`} />
  );
}

function graphOptions(widthPx: number): uPlot.Options {
  const style = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const grid = color('--grid', '#e6e9ee');
  const axis = { stroke: color('--text-muted', '#5a6270'), grid: { stroke: grid }, ticks: { stroke: grid } };
  const down = color('--graph-down', '#2f7de1');
  return {
    width: widthPx,
    height: HEIGHT_PX,
    legend: { show: false },
    cursor: { show: false },
    series: [{}, { label: 'Down', stroke: down, width: 2, fill: color('--graph-down-fill', 'rgba(47, 125, 225, 0.15)') }, { label: 'Up', stroke: color('--graph-up', '#e07b24'), width: 2 }],
    axes: [
      // Whole minutes only: finer ticks would print the same hh:mm twice.
      { ...axis, incrs: [60, 120, 300, 600], values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })) },
      { ...axis, size: 84, values: (_u, ticks) => ticks.map((t) => formatRate(t)) },
    ],
    // Always the last five minutes, so a fresh connection starts at the right edge.
    scales: { x: { time: true, range: (_u, _min, max) => [max - STATS_WINDOW, max] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1000)] } },
  };
}

function toData(samples: StatsSample[]): uPlot.AlignedData {
  return [samples.map((s) => s.atSeconds), samples.map((s) => s.inBitsPerSecond), samples.map((s) => s.outBitsPerSecond)];
}
