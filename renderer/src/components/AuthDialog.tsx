import { useEffect, useState } from 'react';
import type { Prompt } from '../../../electron/api/app-api';
import { useApp } from '../store/use-app';
import { Modal } from './Modal';

const TITLES: Record<Prompt['kind'], string> = {
  credentials: 'Sign in',
  static_challenge: 'Sign in with your code',
  dynamic_challenge: 'The server has a question',
  cr_text: 'The server has a question',
  web_auth: 'Finish signing in with your browser',
};

/** One dialog for every question the server can ask; Enter submits, Escape cancels the connection. */
export function AuthDialog() {
  const prompt = useApp((s) => s.prompt);
  if (!prompt) return null;
  return <PromptDialog key={prompt.id} prompt={prompt} />;
}

function PromptDialog({ prompt }: { prompt: Prompt }) {
  const answer = useApp((s) => s.answer);
  const cancel = useApp((s) => s.cancelPrompt);
  const rememberAvailable = useApp((s) => s.snapshot?.rememberAvailable ?? false);
  const [username, setUsername] = useState(prompt.username ?? '');
  const [password, setPassword] = useState('');
  const [response, setResponse] = useState('');
  const [remember, setRemember] = useState(false);
  const [sent, setSent] = useState(false);
  const { needs } = prompt;
  const firstField = needs.username ? 'username' : needs.password ? 'password' : 'response';
  return (
    <Modal title={TITLES[prompt.kind]} onCancel={() => void cancel()} testId="auth-dialog" kind={prompt.kind}>
      {prompt.kind === 'web_auth' ? <WebSignIn prompt={prompt} /> : (
        <form onSubmit={(event) => {
          event.preventDefault();
          setSent(true);
          void answer({
            ...(needs.username ? { username } : {}), ...(needs.password ? { password } : {}), ...(needs.response ? { response } : {}),
            ...(remember ? { remember } : {}),
          });
        }}>
          {prompt.kind !== 'credentials' && <p className="prompt-text">{prompt.text}</p>}
          {prompt.kind === 'dynamic_challenge' && prompt.username && <p className="prompt-user">Signing in as {prompt.username}</p>}
          {needs.username && <label className="field">Username
            <input data-testid="auth-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus={firstField === 'username'} required />
          </label>}
          {needs.password && <label className="field">Password
            <input data-testid="auth-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" autoFocus={firstField === 'password'} required />
          </label>}
          {needs.response && <label className="field">{prompt.kind === 'static_challenge' ? 'Code' : 'Answer'}
            <input data-testid="auth-response" type={prompt.echo ? 'text' : 'password'} value={response} onChange={(e) => setResponse(e.target.value)}
              autoComplete="one-time-code" inputMode={prompt.kind === 'static_challenge' ? 'numeric' : undefined} autoFocus={firstField === 'response'} required />
          </label>}
          {rememberAvailable && (prompt.kind === 'credentials' || prompt.kind === 'static_challenge') && (
            <label className="checkbox"><input type="checkbox" data-testid="auth-remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
              Remember my username and password{prompt.kind === 'static_challenge' ? ' (never the code)' : ''}</label>
          )}
          {prompt.timeoutSeconds !== null && <Remaining seconds={prompt.timeoutSeconds} />}
          <div className="dialog-buttons">
            <button type="button" data-testid="auth-cancel" onClick={() => void cancel()}>Cancel</button>
            <button type="submit" className="primary" data-testid="auth-submit" disabled={sent}>{sent ? 'Signing in…' : 'Sign in'}</button>
          </div>
        </form>
      )}
    </Modal>
  );
}

function WebSignIn({ prompt }: { prompt: Prompt }) {
  const openUrl = useApp((s) => s.openUrl);
  const cancel = useApp((s) => s.cancelPrompt);
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <p>Your VPN provider signs you in on a web page. Postern keeps waiting while you do.</p>
      <div className="url-row">
        <input readOnly value={prompt.url ?? ''} aria-label="Sign-in address" data-testid="auth-url" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(prompt.url ?? '').then(() => setCopied(true), () => undefined)}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      {prompt.timeoutSeconds !== null && <Remaining seconds={prompt.timeoutSeconds} />}
      <div className="dialog-buttons">
        <button type="button" data-testid="auth-cancel" onClick={() => void cancel()}>Cancel</button>
        <button type="button" className="primary" data-testid="auth-open-url" autoFocus onClick={() => void openUrl()}>Open in browser</button>
      </div>
    </div>
  );
}

/** The server's deadline, counting down from when the question arrived. */
function Remaining({ seconds }: { seconds: number }) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    const started = Date.now();
    const timer = setInterval(() => setLeft(Math.max(0, seconds - Math.floor((Date.now() - started) / 1000))), 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  const minutes = Math.floor(left / 60);
  return <p className="remaining" data-testid="auth-remaining">Time left: {minutes > 0 ? `${minutes} min ` : ''}{left % 60} s</p>;
}
