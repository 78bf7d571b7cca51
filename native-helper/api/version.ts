/**
 * Version of the helper socket protocol. The schema only grows: a breaking change
 * gets a new method name and a major bump (style.md §2).
 */
export const HELPER_PROTOCOL_VERSION = { major: 1, minor: 0 } as const;
