import * as z from 'zod';
import type { MethodParams } from '../api/index';

/** One line of `postern connect --json` stdin: `{"id":"p1","username":"…","password":"…","response":"…"}` or `{"id":"p1","cancel":true}`. */
const AnswerLine = z.object({
  id: z.string().min(1).max(64),
  username: z.string().max(512).optional(),
  password: z.string().max(4096).optional(),
  response: z.string().max(4096).optional(),
  cancel: z.literal(true).optional(),
}).strict();

export type ParsedAnswer =
  | { kind: 'answer'; params: MethodParams<'auth.answer'> }
  | { kind: 'cancel'; promptId: string };

/**
 * Reads an answer line. Errors name the field and what is wrong, never the value: the
 * line holds a password or a one-time code.
 */
export function parseAnswerLine(text: string): { ok: true; value: ParsedAnswer } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'an answer is one JSON object per line: {"id":"…","password":"…"}' };
  }
  const parsed = AnswerLine.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.code}`);
    return { ok: false, error: `bad answer line (${issues.join('; ')})` };
  }
  const { id, cancel, ...fields } = parsed.data;
  if (cancel) return { ok: true, value: { kind: 'cancel', promptId: id } };
  return { ok: true, value: { kind: 'answer', params: { promptId: id, ...fields } } };
}
