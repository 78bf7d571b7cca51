/**
 * Parsers return a Result instead of throwing: peer input is never a reason to
 * throw (style.md §3). A thrown error in core means a bug of ours (BugError).
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
