import { BLOCKING_WORDS } from '../../../electron/api/words';
import { usePosternStore } from '../store/use-postern-store';

/**
 * The helper's absence (with how to start it, and that a kill switch it left keeps blocking)
 * or its refusal (with how to be let in), and the last error in plain words.
 */
/** The helper runs but will not serve this app: said as such, not as "not running". */
const HEADLINES: Readonly<Record<string, string>> = {
  'ipc.not_in_group': 'You may not use Postern on this machine yet.',
  // The message that follows names both releases and which one to update.
  'ipc.version_mismatch': 'The Postern helper and this app are from different releases.',
};

export function Banners() {
  const helper = usePosternStore((s) => s.helper);
  const error = usePosternStore((s) => s.error);
  const dismiss = usePosternStore((s) => s.dismissError);
  return (
    <>
      {helper?.state === 'unavailable' && (
        <div className="banner banner-warning" role="alert" data-testid="helper-banner" data-code={helper.code}>
          <strong>{HEADLINES[helper.code] ?? 'The Postern helper is not running.'}</strong>
          {helper.code !== 'ipc.version_mismatch' && <p className="banner-next">{helper.howToStart}</p>}
          {helper.killSwitchLeftBlocking && <p data-testid="helper-gone-blocking"><strong>{BLOCKING_WORDS.title}.</strong> {BLOCKING_WORDS.helperGone}</p>}
          {helper.message && <p className="banner-detail">{helper.message}</p>}
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert" data-testid="error-banner" data-code={error.code}>
          <p>{error.text}</p>
          {error.detail && error.detail !== error.text && <p className="banner-detail">Details: {error.detail}</p>}
          <button type="button" className="link-button" data-testid="error-dismiss" onClick={dismiss}>Dismiss</button>
        </div>
      )}
    </>
  );
}
