import type { ProfileEntry } from '../../../../electron/api/app-api';
import { BLOCKING_WORDS } from '../../../../electron/api/words';
import { selectBlockingWithoutVpn } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';

/**
 * "Blocking traffic — no VPN connected", with the ways out: connect the profile shown, or
 * stop blocking — for `auto` the block a failed tunnel left is lifted (what the helper does
 * on a disconnect with no tunnel; the setting stays), for `always` the kill switch is
 * turned off. Kill switch settings… opens the dialog.
 */
export function BlockingBanner({ profile }: { profile: ProfileEntry | undefined }) {
  const blocking = usePosternStore(selectBlockingWithoutVpn);
  // The helper's own word, not a change still on its way (Turn off shows its effect once it is in place).
  const mode = usePosternStore((s) => s.killSwitchConfirmed?.mode);
  const connect = usePosternStore((s) => s.connect);
  const lift = usePosternStore((s) => s.disconnect);
  const updateKillSwitch = usePosternStore((s) => s.updateKillSwitch);
  const openSettings = usePosternStore((s) => s.openSettings);
  if (!blocking || mode === undefined) return null;
  return (
    <div className="banner banner-blocking" role="alert" data-testid="blocking-banner" data-mode={mode}>
      <strong>{BLOCKING_WORDS.title}</strong>
      <p>{mode === 'always' ? BLOCKING_WORDS.always : BLOCKING_WORDS.auto}</p>
      <div className="banner-actions">
        {profile && (
          <button type="button" className="primary" data-testid="blocking-connect" onClick={() => void connect(profile.id)}>
            Connect {profile.name}
          </button>
        )}
        {mode === 'always' ? (
          <button type="button" data-testid="blocking-turn-off" onClick={() => void updateKillSwitch({ mode: 'off' })}>{BLOCKING_WORDS.turnOff}</button>
        ) : (
          <button type="button" data-testid="blocking-lift" onClick={() => void lift()}>{BLOCKING_WORDS.lift}</button>
        )}
        <button type="button" className="link-button" data-testid="blocking-settings" onClick={openSettings}>Kill switch settings…</button>
      </div>
    </div>
  );
}
