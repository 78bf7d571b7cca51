// The helper socket contract: imported by the helper, the CLI client, and electron main.
export { HELPER_PROTOCOL_VERSION, POSTERN_VERSION, describeVersionMismatch } from './version';
export type { PeerVersion } from './version';
export { ERROR_CODES, HELPER_ERROR_CODES, NETCONFIG_ERROR_CODES, SESSION_END_CODES } from './errors';
export type { ErrorCode, HelperErrorCode, HelperError, SessionEndCode } from './errors';
export { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from './frames';
export type { FrameProblem } from './frames';
export * from './events';
export * from './methods';
export * from './envelope';
export { HelperConnection } from './helper-connection';
export { printable } from './printable';
export type { ByteTransport, HelperCallResult, HelperConnectionOptions } from './helper-connection';
