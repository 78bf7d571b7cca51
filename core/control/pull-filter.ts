/**
 * `pull-filter accept|ignore|reject PREFIX` from the profile
 * (ovpn:options_util.c apply_pull_filter): the first filter whose text is a
 * prefix of the raw pushed option decides; no match accepts. `reject` fails
 * the whole push, and with it the session. Not a security boundary: a server
 * can spell an option with extra spaces (ovpn-doc man page says so too).
 */
export interface PullFilter {
  action: 'accept' | 'ignore' | 'reject';
  prefix: string;
}

export type PullFilterVerdict = 'accept' | 'ignore' | 'reject';

export function applyPullFilters(filters: readonly PullFilter[], option: string): PullFilterVerdict {
  for (const filter of filters) {
    if (option.startsWith(filter.prefix)) return filter.action;
  }
  return 'accept';
}
