import type { ConnectionTimeline, PastConnection, ProfileVerdict } from '../api/app-api';
import { captureHelper, captureNetwork, systemVersions } from '../../native-helper/client/diagnostics/capture';
import type { HelperCall } from '../../native-helper/client/diagnostics/capture';
import { diagnosticsEntries } from '../../native-helper/client/diagnostics/report';
import type { HelperPart, ProfileInput } from '../../native-helper/client/diagnostics/report';
import type { ArchiveEntry } from '../../native-helper/client/diagnostics/tar-gz';
import { tarGz } from '../../native-helper/client/diagnostics/tar-gz';

/** The app's own part of the archive: typed, secret-free data only (codes, times, byte counts, profile names). */
export interface AppStory {
  timeline: ConnectionTimeline | null;
  history: readonly PastConnection[];
}

/** What the app adds under `app/`: the current connection's timeline and the last connections, as JSON. */
export function appStoryEntries(story: AppStory): ArchiveEntry[] {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return [
    {
      name: 'app/timeline.json',
      text: json(story.timeline && { ...story.timeline, startedAt: iso(story.timeline.startedAtMs), connectedAt: story.timeline.connectedAtMs === null ? null : iso(story.timeline.connectedAtMs) }),
    },
    { name: 'app/history.json', text: json(story.history.map((entry) => ({ ...entry, startedAt: iso(entry.startedAtMs), endedAt: iso(entry.endedAtMs) }))) },
  ];
}

/**
 * A profile's import verdict as the archive takes it: what the parser understood and the
 * problems' codes and places; never the profile's text, its messages (they may quote a line) or files.
 */
export function verdictInput(verdict: ProfileVerdict, name: string): ProfileInput {
  return {
    fileName: verdict.fileName, name, connectable: verdict.connectable,
    summary: verdict.summary === null ? undefined : {
      remotes: verdict.summary.remotes, asks: verdict.summary.asks, serverCheck: verdict.summary.serverCheck, controlChannel: verdict.summary.controlChannel,
      dataCiphers: verdict.summary.dataCiphers, routing: verdict.summary.routing,
      ignored: verdict.summary.ignored.map(({ directive, line }) => ({ directive, line })),
      refused: verdict.summary.refused.map(({ directive, line }) => ({ directive, line })),
    },
    problems: verdict.problems.map(({ code, severity, line, column }) => ({ code, severity, line, column })),
    omittedProblems: verdict.omittedProblems,
  };
}

export interface AppDiagnosticsSources {
  createdAtMs: number;
  posternVersion: string;
  /** The helper as the app's link has it: a call, or why it is not there. */
  helper: { call: HelperCall; version: string } | { unavailable: { code: string; message: string } };
  profiles: ProfileInput[];
  story: AppStory;
}

/** The same archive as `postern diagnostics`, plus the app's story: the bytes of a .tar.gz and how many files it holds. */
export async function buildAppDiagnostics(sources: AppDiagnosticsSources): Promise<{ archive: Buffer; files: number }> {
  const helper: HelperPart = 'call' in sources.helper
    ? await captureHelper(sources.helper.call)
    : { reachable: false, ...sources.helper.unavailable };
  const entries = diagnosticsEntries({
    createdAtMs: sources.createdAtMs,
    versions: systemVersions(sources.posternVersion, 'call' in sources.helper ? { version: sources.helper.version } : {}),
    helper, network: await captureNetwork(), profiles: sources.profiles, extra: appStoryEntries(sources.story),
  });
  return { archive: tarGz(entries, sources.createdAtMs), files: entries.length };
}

/** `postern-diagnostics-2026-12-03T16-20-00-000Z.tar.gz`: the CLI's default name. */
export function diagnosticsFileName(createdAtMs: number): string {
  return `postern-diagnostics-${new Date(createdAtMs).toISOString().replace(/[:.]/g, '-')}.tar.gz`;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
