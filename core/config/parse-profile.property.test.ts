import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DIRECTIVE_TABLE } from './directive-table';
import { isConnectable, parseProfile } from './parse-profile';

/**
 * Whatever the bytes, parseProfile returns problems and never throws:
 * mutations of the real fixtures (byte flips, duplicated, dropped
 * and swapped lines, truncations, random directives) and plain random input.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const seeds = readdirSync(root).filter((n) => n.endsWith('.ovpn') && statSync(join(root, n)).isFile()).map((n) => readFileSync(join(root, n)));
const names = [...DIRECTIVE_TABLE.keys()];

type Mutation = (bytes: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, value]): Mutation => (b) => {
    const copy = Buffer.from(b);
    if (copy.length > 0) copy[at % copy.length] = value;
    return copy;
  }),
  fc.nat().map((at): Mutation => (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 50 })).map(([at, times]): Mutation => (b) => {
    const lines = b.toString('latin1').split('\n');
    const line = lines[at % lines.length] ?? '';
    lines.splice(at % lines.length, 0, ...Array<string>(times).fill(line));
    return Buffer.from(lines.join('\n'), 'latin1');
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, c]): Mutation => (b) => {
    const lines = b.toString('latin1').split('\n');
    const i = a % lines.length;
    const j = c % lines.length;
    [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    return Buffer.from(lines.join('\n'), 'latin1');
  }),
  fc.tuple(fc.nat(), fc.constantFrom(...names), fc.array(fc.oneof(fc.string(), fc.constantFrom('1', '0', 'tcp', 'udp', '../x', '/etc/passwd', '"', "'", '\\', '<ca>', '</ca>', '<connection>', '</connection>')), { maxLength: 5 }))
    .map(([at, name, args]): Mutation => (b) => {
      const lines = b.toString('latin1').split('\n');
      lines.splice(at % (lines.length + 1), 0, [name, ...args].join(' '));
      return Buffer.from(lines.join('\n'), 'latin1');
    }),
);

const options = { readFile: (path: string) => (path.length % 2 === 0 ? Buffer.from(path) : undefined) };

function check(input: Buffer | string): void {
  // No clock here (a timed assertion failed on a busy 2-core machine three times): the parser's
  // bounds are structural and tested in limits.test.ts; this test is about never throwing.
  const result = parseProfile(input, options);
  assert.ok(Array.isArray(result.problems));
  assert.equal(typeof isConnectable(result), 'boolean');
  if (result.profile === undefined) assert.ok(result.problems.some((p) => p.severity === 'error'));
  for (const p of result.problems) assert.ok(p.line >= 0 && p.column >= 0 && p.message.length > 0);
}

test('mutated fixtures never throw and always give a verdict', () => {
  fc.assert(fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
    check(mutations.reduce<Buffer>((bytes, mutate) => mutate(bytes), seeds[seed] ?? Buffer.alloc(0)));
  }), { numRuns: 400 });
});

test('random bytes and random text never throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => check(Buffer.from(bytes))), { numRuns: 200 });
  fc.assert(fc.property(fc.string({ maxLength: 2048 }), (text) => check(text)), { numRuns: 200 });
  const line = fc.tuple(fc.constantFrom(...names), fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 })).map(([n, a]) => [n, ...a].join(' '));
  fc.assert(fc.property(fc.array(line, { maxLength: 80 }), (lines) => check(lines.join('\n'))), { numRuns: 200 });
});
