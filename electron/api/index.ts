// The window ↔ main contract: the PosternApi methods, their zod schemas, events and snapshot,
// loaded by both sides. Browser-safe: imports native-helper/api only, no Node built-ins.
export * from './app-api';
export * from './words';
