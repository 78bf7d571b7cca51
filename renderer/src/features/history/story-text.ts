import type { PastConnection, TimelinePhase, TimelineRenegotiation } from '../../../../electron/api/app-api';
import { RENEGOTIATION_CAUSE_WORDS, reconnectCauseText } from '../../../../electron/api/words';
import { errorText } from '../../error-text';
import { formatBytes, formatDuration, formatPhaseMs } from '../../format';
import { stateText } from '../../state-text';

/** One phase of the way up in words: "Checking the server: 0.4 s"; the connected phase says since when. */
export function phaseText(phase: TimelinePhase, connectedAtMs: number | null): string {
  if (phase.state === 'connected') {
    const since = connectedAtMs === null ? '' : ` since ${new Date(connectedAtMs).toLocaleTimeString()}`;
    return phase.durationMs === null ? `Connected${since}` : `Connected for ${formatDuration(phase.durationMs)}`;
  }
  return `${stateText(phase.state)}: ${phase.durationMs === null ? 'going on' : formatPhaseMs(phase.durationMs)}`;
}

/** "Reconnected because the network changed; back after 0.7 s". */
export function reconnectText(reconnect: { code: string; tookMs: number }): string {
  return `Reconnected because ${reconnectCauseText(reconnect.code)}; back after ${formatPhaseMs(reconnect.tookMs)}`;
}

/** "Keys renewed (the server asked) — 0.3 s": one renegotiation, who started it and how long it took. */
export function renegotiationText(renegotiation: Pick<TimelineRenegotiation, 'cause' | 'tookMs'>): string {
  return `Keys renewed (${RENEGOTIATION_CAUSE_WORDS[renegotiation.cause]}) — ${formatPhaseMs(renegotiation.tookMs)}`;
}

/** "Keys renewed 3 times; the tunnel stayed up", and with more than are listed, which ones are. */
export function renegotiationCountText(count: number, shown: number): string {
  const times = count === 1 ? 'once' : count === 2 ? 'twice' : `${count} times`;
  return count > shown ? `Keys renewed ${times}; the tunnel stayed up. The last ${shown}:` : `Keys renewed ${times}; the tunnel stayed up.`;
}

/** How a past connection ended, with the next step for an error (the words table's sentence for its code). */
export function endText(entry: Pick<PastConnection, 'endCode' | 'connectedForMs'>): string {
  if (entry.endCode === null) return 'You disconnected.';
  const why = errorText(entry.endCode, 'The connection ended with an error.');
  return entry.connectedForMs === 0 ? `Did not connect. ${why}` : `The connection dropped. ${why}`;
}

/** "Up 5 min 02 s · 1.2 MB in · 300 kB out · reconnected twice". */
export function usageText(entry: PastConnection): string {
  const parts = [entry.connectedForMs === 0 ? 'Never up' : `Up ${formatDuration(entry.connectedForMs)}`, `${formatBytes(entry.bytesIn)} in`, `${formatBytes(entry.bytesOut)} out`];
  if (entry.reconnects > 0) parts.push(entry.reconnects === 1 ? 'reconnected once' : `reconnected ${entry.reconnects} times`);
  const renewed = entry.renegotiations ?? 0;
  if (renewed > 0) parts.push(renewed === 1 ? 'keys renewed once' : `keys renewed ${renewed} times`);
  return parts.join(' · ');
}
