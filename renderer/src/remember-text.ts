import type { RememberUnavailableReason } from '../../electron/api/app-api';

const CANNOT = 'Postern can\'t remember passwords here';

/** Why "remember my password" is not offered, in plain words (main sends the reason as a code). */
const REMEMBER_UNAVAILABLE_TEXT: Record<RememberUnavailableReason, string> = {
  no_keyring: `${CANNOT}: this system has no keyring (Secret Service / KWallet) for it to encrypt them with.`,
  keyring_unknown: `${CANNOT}: it cannot tell which keyring this system uses, so it cannot be sure they would be encrypted.`,
  encryption_unavailable: `${CANNOT}: the system keyring cannot encrypt them right now (it may be locked or not running).`,
  browser_mode: `${CANNOT}: in browser mode it has no keyring to encrypt them with.`,
};

/** Null: main sent no reason (a snapshot from before reasons were sent). */
export function rememberUnavailableText(reason: RememberUnavailableReason | null): string {
  return reason === null ? `${CANNOT}.` : REMEMBER_UNAVAILABLE_TEXT[reason];
}
