import { importProfile, isConnectable } from '../../core/index';
import type { MethodParams } from '../api/index';
import { readAuthFile } from './auth-file';

export type ConnectRequest = { ok: true; value: MethodParams<'tunnel.connect'> } | { ok: false; usage: boolean; error: { code: string; message: string } };

/**
 * What `postern connect` sends, in the foreground or to the helper: the profile with
 * every file it names inlined (so the tunnel never reads the user's files again) and
 * the --auth-file credentials. `usage` marks errors that are the caller's (exit 2).
 */
export function buildConnectRequest(profilePath: string, authFile: string | undefined): ConnectRequest {
  const imported = importProfile(profilePath);
  if (!imported.ok) return { ok: false, usage: true, error: imported.error };
  if (!isConnectable(imported.value) || imported.value.selfContainedText === undefined) {
    const errors = imported.value.problems.filter((p) => p.severity === 'error').map((p) => `${profilePath}:${p.line}:${p.column} ${p.message}`);
    return { ok: false, usage: true, error: { code: 'profile.invalid', message: `The profile cannot be used:\n${errors.join('\n')}` } };
  }
  const request: MethodParams<'tunnel.connect'> = { profile: { name: imported.value.name, text: imported.value.selfContainedText } };
  if (authFile !== undefined) {
    const credentials = readAuthFile(authFile);
    if (!credentials.ok) return { ok: false, usage: false, error: { code: 'profile.credentials_unreadable', message: credentials.error } };
    request.credentials = credentials.value;
  }
  return { ok: true, value: request };
}
