import { test, type TestContext } from 'node:test';
import { labSkipReason } from './prerequisites';

let skipReason: { value: string | undefined } | undefined;

/**
 * `test()` for lab tests: skipped with a one-line reason when the lab cannot run here
 * (under CI the check throws instead, failing the file), with a lab-sized default timeout.
 *
 *   labTest('connects over udp', async (t) => { const lab = await startLab(); t.after(() => lab.stop()); … });
 */
export function labTest(name: string, fn: (t: TestContext) => Promise<void>): void;
export function labTest(name: string, options: { timeout?: number; skip?: string | boolean }, fn: (t: TestContext) => Promise<void>): void;
export function labTest(name: string, a: unknown, b?: unknown): void {
  const [options, fn] = typeof a === 'function'
    ? [{}, a as (t: TestContext) => Promise<void>]
    : [a as { timeout?: number; skip?: string | boolean }, b as (t: TestContext) => Promise<void>];
  skipReason ??= { value: labSkipReason() };
  test(name, { timeout: 60_000, ...options, skip: skipReason.value ?? options.skip ?? false }, fn);
}
