import { useApp } from '../store/use-app';

/** The helper's absence, and the last error in plain words with what to do next. */
export function Banners() {
  const helper = useApp((s) => s.snapshot?.helper);
  const error = useApp((s) => s.error);
  const dismiss = useApp((s) => s.dismissError);
  return (
    <>
      {helper?.state === 'unavailable' && (
        <div className="banner banner-warning" role="alert" data-testid="helper-banner">
          <strong>The Postern helper is not running.</strong> {helper.howToStart}
          <div className="banner-detail">{helper.message}</div>
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert" data-testid="error-banner" data-code={error.code}>
          <span>{error.text}</span>
          {error.detail !== error.text && <div className="banner-detail">{error.detail}</div>}
          <button type="button" className="link-button" onClick={dismiss}>Dismiss</button>
        </div>
      )}
    </>
  );
}
