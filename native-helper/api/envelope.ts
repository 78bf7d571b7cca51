import * as z from 'zod';
import { HelperEvent } from './events';

/**
 * What travels in one frame (frames.ts):
 *
 *   client → helper   { id, method, params }
 *   helper → client   { kind: 'response', id, ok: true, result }
 *                     { kind: 'response', id, ok: false, error: { code, message } }
 *                     { kind: 'event', event }
 *
 * `id` is the caller's number, echoed back; it is null when the request was too broken
 * to carry one. The first request on a connection must be `hello`.
 */
export const RequestEnvelope = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  method: z.string().min(1).max(100),
  params: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const WireError = z.object({ code: z.string().max(100), message: z.string().max(2000) });
export type WireError = z.infer<typeof WireError>;

export const ResponseEnvelope = z.discriminatedUnion('ok', [
  z.object({ kind: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(true), result: z.unknown() }),
  z.object({ kind: z.literal('response'), id: z.number().int().nullable(), ok: z.literal(false), error: WireError }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelope>;

export const EventEnvelope = z.object({ kind: z.literal('event'), event: HelperEvent });
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export const HelperMessage = z.union([ResponseEnvelope, EventEnvelope]);
export type HelperMessage = z.infer<typeof HelperMessage>;
