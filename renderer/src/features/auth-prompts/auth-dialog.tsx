import type { Prompt } from '../../../../electron/api/app-api';
import { Modal } from '../../components/modal';
import { usePosternStore } from '../../store/use-postern-store';
import { ChallengeForm } from './challenge-form';
import { WebSignIn } from './web-sign-in';

const TITLES: Record<Prompt['kind'], string> = {
  credentials: 'Sign in',
  static_challenge: 'Sign in with your code',
  dynamic_challenge: 'The server has a question',
  cr_text: 'The server has a question',
  web_auth: 'Finish signing in with your browser',
  proxy_credentials: 'Sign in to the proxy',
};

/** One dialog for every question the server can ask; Enter submits, Escape cancels the question. */
export function AuthDialog() {
  const prompt = usePosternStore((s) => s.prompt);
  const cancel = usePosternStore((s) => s.cancelPrompt);
  const profileName = usePosternStore((s) => s.connection?.profileName);
  if (!prompt) return null;
  return (
    // A new question is a new form: nothing typed for the last one carries over.
    <Modal key={prompt.id} title={TITLES[prompt.kind]} onCancel={() => void cancel()} testId="auth-dialog" kind={prompt.kind}>
      {profileName && <p className="prompt-profile">For {profileName}</p>}
      {prompt.kind === 'web_auth' ? <WebSignIn prompt={prompt} /> : <ChallengeForm prompt={prompt} />}
    </Modal>
  );
}
