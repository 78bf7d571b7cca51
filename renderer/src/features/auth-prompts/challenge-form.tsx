import { useState } from 'react';
import type { Prompt } from '../../../../electron/api/app-api';
import { rememberUnavailableText } from '../../remember-text';
import { usePosternStore } from '../../store/use-postern-store';
import type { Answer } from '../../store/prompt-slice';
import { PromptFooter } from './prompt-footer';

/**
 * Username/password, static challenge (password + code), dynamic challenge and CR_TEXT:
 * the fields shown are the ones the helper says it needs. Secrets live only in this
 * form's state and go straight to main; the form is gone once answered.
 */
export function ChallengeForm({ prompt }: { prompt: Prompt }) {
  const answer = usePosternStore((s) => s.answer);
  const rememberAvailable = usePosternStore((s) => s.rememberAvailable);
  const rememberUnavailableReason = usePosternStore((s) => s.rememberUnavailableReason);
  const savedUsername = usePosternStore((s) => s.profiles.find((p) => p.name === s.connection?.profileName)?.savedUsername);
  const [username, setUsername] = useState(prompt.username ?? savedUsername ?? '');
  const [password, setPassword] = useState('');
  const [response, setResponse] = useState('');
  const [remember, setRemember] = useState(false);
  const { needs } = prompt;
  const first = needs.username && username === '' ? 'username' : needs.password ? 'password' : needs.username ? 'username' : 'response';
  const rememberable = needs.password && (prompt.kind === 'credentials' || prompt.kind === 'static_challenge');
  const canRemember = rememberAvailable && rememberable;
  const submit = (): void => {
    const sent: Answer = {};
    if (needs.username) sent.username = username;
    if (needs.password) sent.password = password;
    if (needs.response) sent.response = response;
    if (canRemember && remember) sent.remember = true;
    void answer(sent);
  };
  return (
    <form onSubmit={(event) => { event.preventDefault(); submit(); }}>
      {prompt.kind !== 'credentials' && prompt.text && <p className="prompt-text" data-testid="auth-text">{prompt.text}</p>}
      {prompt.kind === 'dynamic_challenge' && prompt.username && <p className="prompt-user" data-testid="auth-for-user">Signing in as <strong>{prompt.username}</strong></p>}
      {needs.username && (
        <label className="field">Username
          <input data-testid="auth-username" data-autofocus={first === 'username' || undefined} value={username} required autoComplete="username"
            onChange={(e) => setUsername(e.target.value)} />
        </label>
      )}
      {needs.password && (
        <label className="field">Password
          <input data-testid="auth-password" data-autofocus={first === 'password' || undefined} type="password" value={password} required autoComplete="current-password"
            onChange={(e) => setPassword(e.target.value)} />
        </label>
      )}
      {needs.response && (
        <label className="field">{responseLabel(prompt)}
          <input data-testid="auth-response" data-autofocus={first === 'response' || undefined} type={prompt.echo ? 'text' : 'password'} value={response} required
            autoComplete="one-time-code" inputMode={prompt.kind === 'static_challenge' ? 'numeric' : undefined} onChange={(e) => setResponse(e.target.value)} />
        </label>
      )}
      {canRemember && (
        <label className="checkbox">
          <input type="checkbox" data-testid="auth-remember" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember my username and password{prompt.kind === 'static_challenge' ? ' (never the code)' : ''}
        </label>
      )}
      {rememberable && !rememberAvailable && (
        <p className="hint" data-testid="auth-remember-unavailable" data-reason={rememberUnavailableReason ?? undefined}>
          {rememberUnavailableText(rememberUnavailableReason)}
        </p>
      )}
      <PromptFooter prompt={prompt} submit />
    </form>
  );
}

function responseLabel(prompt: Prompt): string {
  return prompt.kind === 'static_challenge' ? 'Code' : 'Your answer';
}
