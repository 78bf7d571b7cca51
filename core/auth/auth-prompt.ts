import type { Secret } from '../wire/secret';

/** `proxy_credentials`: an HTTP or SOCKS proxy's username and password (its profile line says `stdin`). */
export type AuthPromptKind = 'credentials' | 'static_challenge' | 'dynamic_challenge' | 'cr_text' | 'web_auth' | 'proxy_credentials';

/** A question the server (or the profile) needs answered before the tunnel can come up. Never carries a secret. */
export interface AuthPrompt {
  /** Unique within one VpnClient: 'p1', 'p2', … */
  id: string;
  kind: AuthPromptKind;
  /** What to show: the server's challenge, the static-challenge text, or a plain default. */
  text: string;
  /** The response may be shown while typed (the E flag, or the static-challenge flag). */
  echo: boolean;
  /** web_auth only, always http: or https:. */
  url?: string;
  /** The AUTH_PENDING timeout, when the server gave one. */
  timeoutSeconds: number | null;
  /** dynamic_challenge: the username the challenge is for; credentials: a prefill. */
  username?: string;
  needs: { username: boolean; password: boolean; response: boolean };
}

export interface AuthAnswer {
  username?: string;
  password?: Secret;
  response?: Secret;
}

export type PromptClosedReason = 'answered' | 'cancelled' | 'expired' | 'completed' | 'superseded';

export interface AuthAnswerError {
  code: 'auth.no_prompt' | 'auth.bad_answer';
  message: string;
}
