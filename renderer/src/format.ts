/** Numbers as people read them: `1.2 Mbit/s`, `850 kbit/s`, `0 bit/s`. */
export function formatRate(bitsPerSecond: number): string {
  return scaled(bitsPerSecond, ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s']);
}

/** `12.3 MB`, `512 B`. */
export function formatBytes(bytes: number): string {
  return scaled(bytes, ['B', 'kB', 'MB', 'GB', 'TB']);
}

/** `42 s`, `3 min 05 s`, `2 h 07 min`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

/** `0.4 s`, `12 s`: a phase's length. */
export function formatPhaseMs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function scaled(value: number, units: readonly string[]): string {
  let shown = value;
  let unit = 0;
  while (shown >= 1000 && unit < units.length - 1) {
    shown /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || shown >= 100 ? Math.round(shown).toString() : shown.toFixed(1);
  return `${digits} ${units[unit]}`;
}
