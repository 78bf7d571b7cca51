import { useId } from 'react';
import { KILL_SWITCH_MODES } from '../../../../electron/api/app-api';
import { ERROR_WORDS, KILL_SWITCH_MODE_WORDS, KILL_SWITCH_WORDS } from '../../../../electron/api/words';
import { selectHelperUp } from '../../store/selectors';
import { usePosternStore } from '../../store/use-postern-store';

/**
 * The kill switch's settings: when to block (off, while connected, always), the local
 * network, DNS leak protection, each with what it blocks and allows; what it does right
 * now; and a refusal of the helper in plain words. Changes show at once and fall back
 * when the helper refuses (store/kill-switch-slice.ts).
 */
export function KillSwitchSettings() {
  const killSwitch = usePosternStore((s) => s.killSwitch);
  const saving = usePosternStore((s) => s.killSwitchPending !== null);
  const error = usePosternStore((s) => s.killSwitchError);
  const helperUp = usePosternStore(selectHelperUp);
  const update = usePosternStore((s) => s.updateKillSwitch);
  const id = useId();
  return (
    <section className="kill-switch-settings" aria-labelledby={`${id}-heading`} data-testid="kill-switch-settings">
      <h3 id={`${id}-heading`}>{KILL_SWITCH_WORDS.title}</h3>
      <p className="hint">{KILL_SWITCH_WORDS.intro}</p>
      {killSwitch === null ? (
        <p data-testid="kill-switch-unavailable">{helperUp ? ERROR_WORDS['killswitch.unavailable'] : KILL_SWITCH_WORDS.noHelper}</p>
      ) : (
        <>
          <p className="kill-switch-now" data-testid="kill-switch-now" data-blocking={String(killSwitch.blocking)}>
            {saving ? KILL_SWITCH_WORDS.saving : killSwitch.blocking ? KILL_SWITCH_WORDS.blockingNow : KILL_SWITCH_WORDS.notBlockingNow}
          </p>
          <fieldset className="choices">
            <legend>When to block</legend>
            {KILL_SWITCH_MODES.map((mode) => (
              <div className="choice" key={mode}>
                <input type="radio" id={`${id}-${mode}`} name={`${id}-mode`} value={mode} data-testid={`kill-switch-mode-${mode}`}
                  checked={killSwitch.mode === mode} aria-describedby={`${id}-${mode}-text`} onChange={() => void update({ mode })} />
                <label htmlFor={`${id}-${mode}`}>{KILL_SWITCH_MODE_WORDS[mode].name}</label>
                <p id={`${id}-${mode}-text`} className="hint">{KILL_SWITCH_MODE_WORDS[mode].explanation}</p>
              </div>
            ))}
          </fieldset>
          <div className="choice">
            <input type="checkbox" id={`${id}-lan`} data-testid="kill-switch-allow-lan" checked={killSwitch.allowLan}
              aria-describedby={`${id}-lan-text`} onChange={(e) => void update({ allowLan: e.target.checked })} />
            <label htmlFor={`${id}-lan`}>{KILL_SWITCH_WORDS.allowLan}</label>
            <p id={`${id}-lan-text`} className="hint">{KILL_SWITCH_WORDS.allowLanExplanation}</p>
          </div>
          <div className="choice">
            <input type="checkbox" id={`${id}-dns`} data-testid="kill-switch-dns" checked={killSwitch.dnsLeakProtection}
              aria-describedby={`${id}-dns-text`} onChange={(e) => void update({ dnsLeakProtection: e.target.checked })} />
            <label htmlFor={`${id}-dns`}>{KILL_SWITCH_WORDS.dnsLeakProtection}</label>
            <p id={`${id}-dns-text`} className="hint">{KILL_SWITCH_WORDS.dnsLeakProtectionExplanation}</p>
          </div>
          <p className="hint">{KILL_SWITCH_WORDS.exceptions}</p>
        </>
      )}
      {error && (
        <div className="inline-error" role="alert" data-testid="kill-switch-error" data-code={error.code}>
          <p>{error.text}</p>
          {error.detail && error.detail !== error.text && <p className="banner-detail">Details: {error.detail}</p>}
        </div>
      )}
    </section>
  );
}
