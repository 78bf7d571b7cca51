import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importProfile, isConnectable, summarizeProfile } from '../../core/index';
import { connectToHelper } from '../client/socket-client';
import type { CommandIo } from './check-command';
import { parseCommandArgs } from './command-args';
import { CLI_CLIENT_NAME } from './helper-session';
import { SOCKET_OPTION, resolveSocketPath } from './socket-option';
import { captureHelper, captureNetwork, systemVersions } from '../client/diagnostics/capture';
import { diagnosticsEntries } from '../client/diagnostics/report';
import type { DiagnosticsInput, HelperPart, ProfileInput } from '../client/diagnostics/report';
import { tarGz } from '../client/diagnostics/tar-gz';

export const DIAGNOSTICS_USAGE = 'usage: postern diagnostics [FILE] [--profile PROFILE] [--socket PATH]';

/**
 * `postern diagnostics [FILE]`: one .tar.gz for an admin, with the helper's recent log, the
 * current connection and its last leak check, versions, the routes, the resolver and Postern's
 * firewall table, and what Postern understood of a profile (--profile) — built from typed data
 * only (client/diagnostics/report.ts), so no password, answer, token or key can be in it. Made as root
 * it holds every user's log lines and the firewall table; as a user, theirs. Exit 0 when written.
 */
export async function runDiagnostics(args: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env, nowMs: () => number = Date.now): Promise<number> {
  const parsed = parseCommandArgs(args, { booleans: [], values: [SOCKET_OPTION, '--profile'] });
  if (!parsed.ok || parsed.value.positional.length > 1) {
    io.err(`postern diagnostics: ${parsed.ok ? 'only one FILE' : parsed.error}\n${DIAGNOSTICS_USAGE}\n`);
    return 2;
  }
  const createdAtMs = nowMs();
  const file = resolve(parsed.value.positional[0] ?? `postern-diagnostics-${new Date(createdAtMs).toISOString().replace(/[:.]/g, '-')}.tar.gz`);
  const profilePath = parsed.value.values.get('--profile');
  const helper = await helperPart(resolveSocketPath(parsed.value.values, env));
  const input: DiagnosticsInput = {
    createdAtMs,
    versions: systemVersions(posternVersion(), helper),
    helper: helper.part,
    network: await captureNetwork(),
    profiles: profilePath === undefined ? [] : [profileInput(profilePath)].filter((p): p is ProfileInput => p !== undefined),
  };
  if (profilePath !== undefined && input.profiles.length === 0) {
    io.err(`postern diagnostics: cannot read the profile ${profilePath}\n`);
    return 2;
  }
  const entries = diagnosticsEntries(input);
  try {
    writeFileSync(file, tarGz(entries, createdAtMs), { mode: 0o600 });
  } catch (error) {
    io.err(`postern diagnostics: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 1;
  }
  io.out(`Wrote ${file} (${entries.length} files${helper.part.reachable ? '' : '; the helper did not answer'}).\n`);
  return 0;
}

async function helperPart(socketPath: string): Promise<{ part: HelperPart; version?: string; protocol?: string }> {
  const opened = await connectToHelper(socketPath, { client: CLI_CLIENT_NAME });
  if (!opened.ok) return { part: { reachable: false, code: opened.error.code, message: opened.error.message } };
  const { connection, hello, close } = opened.value;
  try {
    return { part: await captureHelper((method, params) => connection.call(method, params)), version: hello.helperVersion, protocol: `${hello.protocolVersion.major}.${hello.protocolVersion.minor}` };
  } finally {
    close();
  }
}

/** Postern's package.json, above this module in a checkout or beside the bundle. */
function posternVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (!existsSync(path)) continue;
    try {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'postern' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not ours; look further up
    }
  }
  return 'unknown';
}

function profileInput(path: string): ProfileInput | undefined {
  const imported = importProfile(path);
  if (!imported.ok) return undefined;
  const result = imported.value;
  return {
    fileName: basename(path), name: result.name, connectable: isConnectable(result),
    summary: result.profile === undefined ? undefined : summarizeProfile(result.profile),
    problems: result.problems, omittedProblems: result.omittedProblems,
  };
}
