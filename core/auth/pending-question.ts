import type { InfoPre } from '../control/info-pre';

/** A question of a pending sign-in (the INFO_PRE after AUTH_PENDING): a CR_TEXT challenge or a web sign-in address. */
export type PendingQuestion = Exclude<InfoPre, { kind: 'other' }>;

/**
 * Whether `next` is the question already asked in this pending sign-in: the same method
 * (CR_TEXT, OPEN_URL, WEB_AUTH) with the same text or URL. Such a repeat is not a new
 * question, whether its prompt is still open or already answered: openvpn-gui asks once.
 *
 * A 2.6 server sends AUTH_PENDING + INFO_PRE once per `client-pending-auth` (or pending
 * file) and leaves the client's PUSH_REQUESTs unanswered while pending (ovpn:push.c
 * process_incoming_push_request → PUSH_MSG_REQUEST_DEFERRED); repeats come from auth
 * back-ends that issue `client-pending-auth` again, for example to extend the timeout.
 */
export function isSameQuestion(asked: PendingQuestion | undefined, next: PendingQuestion): boolean {
  return asked !== undefined && asked.kind === next.kind && subject(asked) === subject(next);
}

function subject(question: PendingQuestion): string {
  return question.kind === 'cr_text' ? question.text : question.url;
}
