import type { KillSwitchState, LogLine, SessionStatus } from '../../api/index';
import type { ArchiveEntry } from './tar-gz';

/**
 * The diagnostics archive, built only from typed data that holds no secret by its type: the
 * helper's log ring (lines the helper wrote, never a profile's text or an answer), a session's
 * status without its prompt's text or fields, profile verdicts as the parser's summary and
 * problem codes (never the profile text, its inline blocks or files), versions, and the system's
 * routes, resolver and our firewall table. Nothing is filtered afterwards: what could hold a
 * secret never enters (a test searches the archive for a session's secrets and finds none).
 */
export interface DiagnosticsInput {
  createdAtMs: number;
  versions: Versions;
  helper: HelperPart;
  network: Record<NetworkItem, Captured>;
  profiles: ProfileInput[];
  /**
   * Files a caller adds (the app: its connections' timelines and history), each built by its
   * caller from typed, secret-free data too; names are relative to the archive's folder.
   */
  extra?: ArchiveEntry[];
}

export interface Versions {
  postern: string;
  node: string;
  openssl: string;
  kernel: string;
  distribution: string;
  helper?: string;
  helperProtocol?: string;
}

export type HelperPart =
  | { reachable: true; session: SessionStatus | null; killSwitch: KillSwitchState | null; log: LogLine[] }
  | { reachable: false; code: string; message: string };

export type NetworkItem = 'routes-ipv4' | 'routes-ipv6' | 'resolv.conf' | 'nftables-postern';
export type Captured = { ok: true; text: string } | { ok: false; why: string };

/**
 * A profile verdict as both callers have it: the CLI from core's importProfile, the app from
 * its import check. Only these fields reach the archive (never a line's text or a message).
 */
export interface ProfileInput {
  fileName: string;
  name: string;
  connectable: boolean;
  summary: ProfileSummaryInput | undefined;
  problems: readonly { code: string; severity: string; line: number; column?: number | undefined; directive?: string | undefined }[];
  omittedProblems: number;
}

export interface ProfileSummaryInput {
  remotes: readonly string[];
  protocols?: readonly string[];
  clientAuth?: unknown;
  asks: readonly string[];
  serverCheck: readonly string[] | unknown;
  controlChannel: unknown;
  dataCiphers: readonly string[];
  compression?: unknown;
  routing: readonly string[] | unknown;
  ignored: readonly { directive: string; line: number }[];
  refused: readonly { directive: string; line: number }[];
}

const FOLDER = 'postern-diagnostics';

export function diagnosticsEntries(input: DiagnosticsInput): ArchiveEntry[] {
  const helper = input.helper;
  const summary = {
    createdAt: new Date(input.createdAtMs).toISOString(),
    versions: input.versions,
    helper: helper.reachable
      ? { reachable: true, killSwitch: helper.killSwitch, session: helper.session && sessionView(helper.session) }
      : { reachable: false, code: helper.code, message: helper.message },
    lastLeakCheck: helper.reachable ? helper.session?.leakCheck ?? null : null,
  };
  const captured = (item: NetworkItem): string => {
    const value = input.network[item];
    return value.ok ? value.text : `(not captured: ${value.why})\n`;
  };
  return [
    { name: `${FOLDER}/README.txt`, text: README },
    { name: `${FOLDER}/summary.json`, text: json(summary) },
    { name: `${FOLDER}/helper-log.txt`, text: helper.reachable ? helper.log.map(logLine).join('') : `(the helper did not answer: ${helper.code})\n` },
    { name: `${FOLDER}/profiles.json`, text: json(input.profiles.map(profileView)) },
    { name: `${FOLDER}/network/routes-ipv4.txt`, text: captured('routes-ipv4') },
    { name: `${FOLDER}/network/routes-ipv6.txt`, text: captured('routes-ipv6') },
    { name: `${FOLDER}/network/resolv.conf`, text: captured('resolv.conf') },
    { name: `${FOLDER}/network/nftables-postern.txt`, text: captured('nftables-postern') },
    ...(input.extra ?? []).map((entry) => ({ name: `${FOLDER}/${entry.name}`, text: entry.text })),
  ];
}

/** A session as the helper reports it, minus the open question's text and fields (a server may put anything there). */
function sessionView(session: SessionStatus): object {
  return {
    profileName: session.profileName, state: session.state, ownerUid: session.ownerUid,
    startedAt: iso(session.startedAtMs), connectedAt: session.connectedAtMs === null ? null : iso(session.connectedAtMs),
    tunnel: session.tunnel, stats: session.stats,
    waitingFor: session.prompt?.kind ?? null,
    lastError: session.lastError,
  };
}

/** The verdict's shape only: what the parser understood and the problems' codes and places, never a line's text. */
function profileView({ fileName, name, connectable, summary, problems, omittedProblems }: ProfileInput): object {
  return {
    fileName, name, connectable,
    summary: summary && {
      remotes: summary.remotes, protocols: summary.protocols, clientAuth: summary.clientAuth, asks: summary.asks, serverCheck: summary.serverCheck,
      controlChannel: summary.controlChannel, dataCiphers: summary.dataCiphers, compression: summary.compression, routing: summary.routing,
      ignored: summary.ignored.map((n) => ({ directive: n.directive, line: n.line })), refused: summary.refused.map((n) => ({ directive: n.directive, line: n.line })),
    },
    problems: problems.map((p) => ({ code: p.code, severity: p.severity, line: p.line, column: p.column, ...(p.directive === undefined ? {} : { directive: p.directive }) })),
    omittedProblems,
  };
}

function logLine(line: LogLine): string {
  return `${iso(line.atMs)} ${line.level.padEnd(5)} ${line.message}\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

const README = `Postern diagnostics

What is in here, and what is not:
  summary.json         versions (Postern, Node, OpenSSL, kernel, distribution, the helper), the kill
                       switch, the current connection (state, addresses, routes, traffic, last error)
                       and its last leak check
  helper-log.txt       the helper's recent log lines (of your connections; all of them when made as root)
  profiles.json        what Postern understood of the profiles given (servers, ciphers, problem codes and
                       line numbers), never their text, certificates, keys or inline secrets
  network/             the routes, the resolver and Postern's firewall table as they were when this was made
  app/                 (saved from the app's window) the current connection's timeline and the last
                       connections: when, how long, bytes each way, how each ended (codes, no secrets)

Passwords, one-time codes, challenge answers, auth-tokens and keys are never collected.
`;
