import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { StatsSample } from '../store/stats-ring';
import { STATS_WINDOW, formatRate } from '../store/stats-ring';

const HEIGHT_PX = 180;
const DARK = '(prefers-color-scheme: dark)';

/** Download and upload rates over the last five minutes, drawn by uPlot, updated every second. */
export function TrafficGraph({ samples }: { samples: StatsSample[] }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(samples);
  latest.current = samples;
  const dark = useColorScheme();
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // The canvas cannot read CSS variables itself: take the theme's colours now (again on a theme change).
    const style = getComputedStyle(document.documentElement);
    const color = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const axis = { stroke: color('--text-muted', '#5a6270'), grid: { stroke: color('--grid', '#e6e9ee') }, ticks: { stroke: color('--grid', '#e6e9ee') } };
    plot.current = new uPlot({
      width: element.clientWidth || 560, height: HEIGHT_PX,
      legend: { show: false },
      series: [{}, { label: 'Down', stroke: '#2f7de1', width: 2, fill: 'rgba(47,125,225,0.12)' }, { label: 'Up', stroke: '#e07b24', width: 2 }],
      axes: [
        { ...axis, values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })) },
        { ...axis, size: 80, values: (_u, ticks) => ticks.map((t) => formatRate(t)) },
      ],
      // Always the last five minutes, so a fresh connection starts at the right edge.
      scales: { x: { time: true, range: (_u, _min, max) => [max - STATS_WINDOW, max] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1000)] } },
    }, toData(latest.current), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: element.clientWidth, height: HEIGHT_PX }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [dark]);
  useEffect(() => { plot.current?.setData(toData(samples)); }, [samples]);
  const last = samples.at(-1);
  return (
    <div ref={container} className="traffic-graph" data-testid="traffic-graph" role="img"
      aria-label={`Traffic over the last five minutes; now ${formatRate(last?.inBitsPerSecond ?? 0)} down, ${formatRate(last?.outBitsPerSecond ?? 0)} up`} />
  );
}

function toData(samples: StatsSample[]): uPlot.AlignedData {
  return [samples.map((s) => s.atSeconds), samples.map((s) => s.inBitsPerSecond), samples.map((s) => s.outBitsPerSecond)];
}

/** Whether the OS (or the browser) asks for the dark theme, following changes. */
function useColorScheme(): boolean {
  const [dark, setDark] = useState(() => matchMedia(DARK).matches);
  useEffect(() => {
    const query = matchMedia(DARK);
    const onChange = () => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return dark;
}
