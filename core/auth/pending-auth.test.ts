import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyControlMessage } from '../control/classify-control-message';
import { parseInfoPre } from '../control/info-pre';
import { Secret } from '../wire/secret';
import { PendingAuth } from './pending-auth';
import { isSameQuestion, type PendingQuestion } from './pending-question';
import { PromptBox } from './prompt-box';

/** A control message from the server, an answer to the open prompt, or the end of the attempt / pending sign-in. */
type Step = string | 'answer' | 'attempt_ended' | 'connected';

interface Outcome {
  /** `id kind text-or-url` of every prompt raised, in order. */
  prompts: string[];
  /** `id:reason` of every prompt closed, in order. */
  closed: string[];
  crResponses: number;
}

async function run(steps: readonly Step[]): Promise<Outcome> {
  const outcome: Outcome = { prompts: [], closed: [], crResponses: 0 };
  const prompts = new PromptBox({
    onPrompt: (p) => outcome.prompts.push(`${p.id} ${p.kind} ${p.url ?? p.text}`),
    onPromptClosed: (id, reason) => outcome.closed.push(`${id}:${reason}`),
  });
  const pending = new PendingAuth(prompts, { log: () => undefined, onCancelled: () => assert.fail('nothing is cancelled here') });
  const session = { sendCrResponse: (): boolean => { outcome.crResponses++; return true; } };
  for (const step of steps) {
    if (step === 'answer') {
      const open = prompts.current;
      assert.ok(open, 'a prompt to answer');
      assert.ok(prompts.answer(open.id, { response: new Secret('424242') }).ok);
    } else if (step === 'attempt_ended') {
      pending.onAttemptEnded({ code: 'link.closed', message: 'closed', fatal: false });
    } else if (step === 'connected') {
      pending.onConnected();
    } else {
      pending.onControlMessage(classifyControlMessage(step), session);
    }
    await new Promise((resolve) => setImmediate(resolve)); // let an answer's continuation run
  }
  return outcome;
}

const PENDING = 'AUTH_PENDING,timeout 30';
const CODE = 'INFO_PRE,CR_TEXT:R,E:Enter the code';
const URL_A = 'https://sso.example/a';
const WEB_A = `INFO_PRE,WEB_AUTH::${URL_A}`;

const table: Array<{ name: string; steps: Step[]; prompts: string[]; closed: string[]; crResponses?: number }> = [
  {
    name: 'CR_TEXT repeated while its prompt is open: one prompt, left open',
    steps: [PENDING, CODE, PENDING, CODE, 'AUTH_PENDING,timeout 60', CODE],
    prompts: ['p1 cr_text Enter the code'], closed: [],
  },
  {
    name: 'CR_TEXT repeated after it was answered: no second prompt, one CR_RESPONSE',
    steps: [PENDING, CODE, 'answer', PENDING, CODE, PENDING, CODE],
    prompts: ['p1 cr_text Enter the code'], closed: ['p1:answered'], crResponses: 1,
  },
  {
    name: 'WEB_AUTH repeated (with a longer timeout, and once as plain INFO): one prompt, no reopen',
    steps: [PENDING, WEB_A, 'AUTH_PENDING,timeout 120', WEB_A, `INFO,WEB_AUTH::${URL_A}`],
    prompts: [`p1 web_auth ${URL_A}`], closed: [],
  },
  {
    name: 'a different CR_TEXT is a new question: the old one closes as superseded',
    steps: [PENDING, CODE, PENDING, 'INFO_PRE,CR_TEXT:R:Enter the second code'],
    prompts: ['p1 cr_text Enter the code', 'p2 cr_text Enter the second code'], closed: ['p1:superseded'],
  },
  {
    name: 'a different URL is a new question',
    steps: [PENDING, WEB_A, PENDING, 'INFO_PRE,WEB_AUTH::https://sso.example/b'],
    prompts: [`p1 web_auth ${URL_A}`, 'p2 web_auth https://sso.example/b'], closed: ['p1:superseded'],
  },
  {
    name: 'the same URL by another method (OPEN_URL after WEB_AUTH) is a new question',
    steps: [PENDING, WEB_A, PENDING, `INFO_PRE,OPEN_URL:${URL_A}`],
    prompts: [`p1 web_auth ${URL_A}`, `p2 web_auth ${URL_A}`], closed: ['p1:superseded'],
  },
  {
    name: 'CR_TEXT, then a web sign-in, then the CR_TEXT again: three questions',
    steps: [PENDING, CODE, PENDING, WEB_A, PENDING, CODE],
    prompts: ['p1 cr_text Enter the code', `p2 web_auth ${URL_A}`, 'p3 cr_text Enter the code'], closed: ['p1:superseded', 'p2:superseded'],
  },
  {
    name: 'a refused (non-web) address in between leaves the open prompt alone, and its repeat stays one prompt',
    steps: [PENDING, WEB_A, PENDING, 'INFO_PRE,OPEN_URL:file:///etc/shadow', PENDING, WEB_A],
    prompts: [`p1 web_auth ${URL_A}`], closed: [],
  },
  {
    name: 'a new attempt starts afresh: the same question is asked again',
    steps: [PENDING, CODE, 'answer', 'attempt_ended', PENDING, CODE],
    prompts: ['p1 cr_text Enter the code', 'p2 cr_text Enter the code'], closed: ['p1:answered'], crResponses: 1,
  },
  {
    name: 'once connected, a later pending sign-in (renegotiation) asks again',
    steps: [PENDING, WEB_A, 'connected', PENDING, WEB_A],
    prompts: [`p1 web_auth ${URL_A}`, `p2 web_auth ${URL_A}`], closed: ['p1:completed'],
  },
  {
    name: 'AUTH_PENDING alone, however often, raises nothing',
    steps: [PENDING, PENDING, 'AUTH_PENDING'],
    prompts: [], closed: [],
  },
];

for (const row of table) {
  test(`pending sign-in: ${row.name}`, async () => {
    const outcome = await run(row.steps);
    assert.deepEqual(outcome, { prompts: row.prompts, closed: row.closed, crResponses: row.crResponses ?? 0 });
  });
}

test('isSameQuestion: method and text or URL decide; nothing asked yet is never the same', () => {
  const question = (extra: string): PendingQuestion => {
    const info = parseInfoPre(extra);
    assert.notEqual(info.kind, 'other');
    return info as PendingQuestion;
  };
  const code = question('CR_TEXT:R,E:Code?');
  assert.equal(isSameQuestion(undefined, code), false);
  assert.equal(isSameQuestion(code, question('CR_TEXT:R,E:Code?')), true);
  assert.equal(isSameQuestion(code, question('CR_TEXT:R,E:PIN?')), false);
  const web = question('WEB_AUTH::https://x/1');
  assert.equal(isSameQuestion(web, question('WEB_AUTH:external:https://x/1')), true, 'flags are not part of the question');
  assert.equal(isSameQuestion(web, question('WEB_AUTH::https://x/2')), false);
  assert.equal(isSameQuestion(web, question('OPEN_URL:https://x/1')), false);
  assert.equal(isSameQuestion(question('CR_TEXT:R:https://x/1'), web), false);
});
