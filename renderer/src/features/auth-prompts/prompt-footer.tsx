import type { ReactNode } from 'react';
import type { Prompt } from '../../../../electron/api/app-api';
import { useNowMs } from '../../components/use-now';
import { formatDuration } from '../../format';
import { remainingSeconds } from '../../store/prompt-slice';
import { usePosternStore } from '../../store/use-postern-store';

/** The countdown, an answer that failed, and the Cancel / Sign in buttons. */
export function PromptFooter({ prompt, submit, children }: { prompt: Prompt; submit?: boolean; children?: ReactNode }) {
  const cancel = usePosternStore((s) => s.cancelPrompt);
  const answering = usePosternStore((s) => s.answering);
  const promptError = usePosternStore((s) => s.promptError);
  return (
    <>
      <Remaining prompt={prompt} />
      {promptError && <p className="inline-error" role="alert" data-testid="auth-error" data-code={promptError.code}>{promptError.text}</p>}
      <div className="dialog-buttons">
        <button type="button" data-testid="auth-cancel" onClick={() => void cancel()}>Cancel</button>
        {children}
        {submit && <button type="submit" className="primary" data-testid="auth-submit" disabled={answering}>{answering ? 'Signing in…' : 'Sign in'}</button>}
      </div>
    </>
  );
}

/** The server's deadline, counting down from when the question arrived. */
function Remaining({ prompt }: { prompt: Prompt }) {
  const receivedAtMs = usePosternStore((s) => s.promptReceivedAtMs);
  const now = useNowMs();
  const left = remainingSeconds(prompt, receivedAtMs, now);
  if (left === null) return null;
  return <p className="remaining" data-testid="auth-remaining" data-seconds={left}>Time left: {formatDuration(left * 1000)}</p>;
}
