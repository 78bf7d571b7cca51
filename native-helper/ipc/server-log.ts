/** Where the server reports what happened (the helper prints it to stderr, tests collect it). Never given secrets. */
export type ServerLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export const SILENT_LOG: ServerLog = () => {};
