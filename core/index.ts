// The public API of core. Nothing outside core imports deeper than this file
// (electron/ may also import core/config, the pure profile parser).
export { Secret } from './wire/secret';
export { ProtocolError, BugError } from './wire/errors';
export type { Result } from './wire/result';
