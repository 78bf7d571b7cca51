import { useState } from 'react';
import type { Prompt } from '../../../../electron/api/app-api';
import { usePosternStore } from '../../store/use-postern-store';
import { PromptFooter } from './prompt-footer';

/** The provider signs the person in on a web page; Postern waits until the server says done. */
export function WebSignIn({ prompt }: { prompt: Prompt }) {
  const openUrl = usePosternStore((s) => s.openUrl);
  const [copied, setCopied] = useState(false);
  const url = prompt.url ?? '';
  return (
    <div>
      <p>Your VPN provider signs you in on a web page. Open it, finish there, and Postern connects by itself.</p>
      {prompt.text && <p className="prompt-text">{prompt.text}</p>}
      <div className="url-row">
        <input readOnly value={url} aria-label="Sign-in address" data-testid="auth-url" onFocus={(e) => e.target.select()} />
        <button type="button" data-testid="auth-copy-url" onClick={() => void copy(url).then(setCopied)}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      <PromptFooter prompt={prompt}>
        <button type="button" className="primary" data-testid="auth-open-url" data-autofocus onClick={() => void openUrl()}>Open in browser</button>
      </PromptFooter>
    </div>
  );
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no clipboard permission: the field is selectable
  }
}
