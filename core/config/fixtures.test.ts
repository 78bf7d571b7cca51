import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isConnectable, parseProfile } from './parse-profile';

/**
 * Table-driven: every fixtures/**.ovpn is parsed with its file references read
 * from beside it (client/import-profile.ts does the same with its guards) and compared with its .expected.json: whether it can
 * connect, every problem as line/severity/code, and a few fields of the Profile
 * (dotted paths; Secrets compare as "[redacted]").
 */
interface Expected {
  connectable: boolean;
  problems: { line: number; severity: string; code: string }[];
  fields: Record<string, unknown>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

function pick(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) current = current === undefined || current === null ? undefined : (current as Record<string, unknown>)[key];
  return current === undefined ? null : JSON.parse(JSON.stringify(current));
}

function readBeside(profilePath: string, relative: string): Buffer | undefined {
  try {
    return readFileSync(join(dirname(profilePath), relative));
  } catch {
    return undefined;
  }
}

const all = [...files(root)].filter((path) => path.endsWith('.ovpn'));

test('there are at least 30 fixtures, each with an expected result', () => {
  assert.ok(all.length >= 30, `${all.length} fixtures`);
});

for (const path of all) {
  test(`fixture ${relative(root, path)}`, () => {
    const expected = JSON.parse(readFileSync(path.replace(/\.ovpn$/, '.expected.json'), 'utf8')) as Expected;
    const result = parseProfile(readFileSync(path), { readFile: (relative) => readBeside(path, relative) });
    assert.deepEqual(result.problems.map((p) => ({ line: p.line, severity: p.severity, code: p.code })), expected.problems);
    assert.equal(isConnectable(result), expected.connectable);
    for (const [field, value] of Object.entries(expected.fields)) assert.deepEqual(pick(result.profile, field), value, field);
    for (const problem of result.problems) {
      assert.ok(problem.message.length > 0 && !problem.message.includes('\n'), problem.code);
      if (problem.line > 0) assert.ok(problem.column >= 1, `${problem.code} column`);
    }
  });
}

test('no fixture file holds real private key material', () => {
  for (const path of files(root)) assert.ok(!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(path, 'latin1')), path);
});
