import { err, ok } from '../wire/result';
import type { Result } from '../wire/result';
import {
  MSG_PUSH_REPLY, PUSH_CONTINUATION_LAST, PUSH_CONTINUATION_MORE, PUSH_MAX_OPTIONS, PUSH_MAX_TOTAL_BYTES,
} from './constants';

export type PushReplyError =
  | { code: 'control.not_a_push_reply' }
  | { code: 'control.push_too_large'; totalBytes: number; options: number };

export interface PushReply {
  /** Option lines in pushed order, leading spaces removed, empty items and push-continuation dropped. */
  options: string[];
  /** 2: more messages follow; 1: last of several; 0: a single, complete reply. */
  continuation: 0 | 1 | 2;
}

/**
 * `PUSH_REPLY[,opt[,opt…]]` (ovpn:push.c process_incoming_push_reply,
 * options_parse.c apply_push_options). Items are split on ',' with no escaping,
 * so an option can never contain a comma. `PUSH_REPLY` alone is a valid empty reply.
 */
export function parsePushReply(text: string): Result<PushReply, PushReplyError> {
  if (!text.startsWith(MSG_PUSH_REPLY)) return err({ code: 'control.not_a_push_reply' });
  const body = text.slice(MSG_PUSH_REPLY.length);
  if (body === '') return ok({ options: [], continuation: 0 });
  if (!body.startsWith(',')) return err({ code: 'control.not_a_push_reply' });
  const options: string[] = [];
  let continuation: 0 | 1 | 2 = 0;
  for (const item of body.slice(1).split(',')) {
    const line = item.replace(/^\s+/, '');
    if (line === '') continue;
    const more = /^push-continuation\s+(\d+)\s*$/.exec(line);
    if (more) {
      const value = Number(more[1]);
      continuation = value === PUSH_CONTINUATION_MORE ? 2 : value === PUSH_CONTINUATION_LAST ? 1 : 0;
      continue;
    }
    options.push(line);
  }
  return ok({ options, continuation });
}

export type PushAccumulatorResult =
  | { done: false }
  /** All options of the push, across continuation messages. */
  | { done: true; options: string[] };

/**
 * Joins a reply split with `push-continuation 2 … push-continuation 1`
 * (servers split at about 1 KiB). The first message without
 * `push-continuation 2` completes the push.
 */
export class PushAccumulator {
  #options: string[] = [];
  #bytes = 0;

  push(text: string): Result<PushAccumulatorResult, PushReplyError> {
    const parsed = parsePushReply(text);
    if (!parsed.ok) return parsed;
    this.#bytes += text.length;
    this.#options.push(...parsed.value.options);
    if (this.#bytes > PUSH_MAX_TOTAL_BYTES || this.#options.length > PUSH_MAX_OPTIONS) {
      const error = { code: 'control.push_too_large' as const, totalBytes: this.#bytes, options: this.#options.length };
      this.reset();
      return err(error);
    }
    if (parsed.value.continuation === 2) return ok({ done: false });
    const options = this.#options;
    this.reset();
    return ok({ done: true, options });
  }

  /** True while a continued push is incomplete. */
  get pending(): boolean {
    return this.#options.length > 0 || this.#bytes > 0;
  }

  reset(): void {
    this.#options = [];
    this.#bytes = 0;
  }
}
