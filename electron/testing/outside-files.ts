import { GOOD_PROFILE } from './fixtures';

/** Test-only: the CA of GOOD_PROFILE, for a file outside a profile's folder. */
export const CA = /<ca>\n([\s\S]*?)<\/ca>\n/.exec(GOOD_PROFILE)?.[1] ?? '';

/** GOOD_PROFILE with its CA and credentials in files: `ca CA_PATH` (line 29), `auth-user-pass SECRET_PATH` (line 28). */
export function profileNaming(caPath: string, secretPath: string): string {
  return GOOD_PROFILE.replace(/<ca>\n[\s\S]*?<\/ca>\n/, `ca ${caPath}\n`).replace(/^auth-user-pass$/m, `auth-user-pass ${secretPath}`);
}
