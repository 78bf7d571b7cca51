// auth/: signing in across attempts: the prompts to the user, credentials, static and dynamic
// challenges, AUTH_PENDING (CR_TEXT, web sign-in). No sockets and no retry policy (client/next-attempt.ts);
// imports only the layers before it (session/ for its types) and never transport/ or client/.
export type { AuthPrompt, AuthPromptKind, AuthAnswer, AuthAnswerError, PromptClosedReason } from './auth-prompt';
export { NO_AUTH } from './auth-policy';
export type { AuthPolicy } from './auth-policy';
export { PromptBox } from './prompt-box';
export { PendingAuth } from './pending-auth';
export { SignIn, CANCELLED } from './sign-in';
export type { AttemptCredentials } from './sign-in';
