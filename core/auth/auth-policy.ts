import type { Credentials } from '../session/session-settings';

/** What the profile says about signing in (auth-user-pass, auth-nocache, auth-retry, static-challenge). */
export interface AuthPolicy {
  userPass: boolean;
  /** auth-nocache: forget the password once connected (a pushed auth-token is still kept). */
  noCache: boolean;
  /** After AUTH_FAILED: stop (none), try again with the same credentials (nointeract), or ask again (interact). */
  retry: 'none' | 'nointeract' | 'interact';
  staticChallenge?: { text: string; echo: boolean; format: 'scrv1' | 'concat' };
  /** Known before connecting: both (--auth-file, the app's saved ones, the profile's file) or a username only. */
  credentials?: Credentials;
  username?: string;
}

export const NO_AUTH: AuthPolicy = { userPass: false, noCache: false, retry: 'none' };
