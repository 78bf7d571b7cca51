import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PROBLEMS } from './constants';
import { isConnectable, parseProfile } from './parse-profile';
import { ProblemList } from './problem-list';
import { makeProblem } from './problems';
import type { Severity } from './problems';
import { profileWith } from './test-kit';

const problem = (severity: Severity, line: number) => makeProblem('config.bad_value', severity, `at ${line}`, { line, column: 1 });

test('under the limit every problem is kept, sorted by line, and nothing is omitted', () => {
  const list = new ProblemList(5);
  for (const line of [3, 1, 2]) list.add(problem('warning', line));
  assert.deepEqual(list.sorted().map((p) => p.line), [1, 2, 3]);
  assert.equal(list.omitted, 0);
});

test('over the limit: the first ones by line are kept and the rest counted by severity', () => {
  const list = new ProblemList(10);
  for (let line = 1; line <= 1000; line++) list.add(problem('error', line));
  assert.deepEqual(list.sorted().map((p) => p.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(list.omitted, 990);
  assert.deepEqual(list.counts(), { error: 1000, warning: 0, info: 0 });
});

test('an error is never hidden behind warnings: every error up to the limit first, then warnings, then infos', () => {
  const list = new ProblemList(10);
  for (let line = 1; line <= 300; line++) list.add(problem(line % 2 === 0 ? 'info' : 'warning', line));
  list.add(problem('error', 5000));
  list.add(makeProblem('config.missing_ca', 'error', 'no CA', { line: 0, column: 0 }));
  const kept = list.sorted();
  assert.equal(kept.length, 10);
  assert.deepEqual(kept.filter((p) => p.severity === 'error').map((p) => p.line), [5000, 0], 'late and whole-profile errors are kept');
  assert.deepEqual(kept.filter((p) => p.severity === 'warning').map((p) => p.line), [1, 3, 5, 7, 9, 11, 13, 15]);
  assert.equal(kept.some((p) => p.severity === 'info'), false);
  assert.equal(list.omitted, 292);
});

test('parseProfile keeps MAX_PROBLEMS of 50,000 problems and counts the rest (the CLI test runs 524,000)', () => {
  const result = parseProfile('"\n'.repeat(50_000));
  assert.equal(result.problems.length, MAX_PROBLEMS);
  assert.deepEqual(result.problems.slice(0, 3).map((p) => `${p.line} ${p.code}`), ['1 config.bad_quoting', '2 config.bad_quoting', '3 config.bad_quoting']);
  assert.equal(result.omittedProblems, 50_000 + 4 - MAX_PROBLEMS, 'four whole-profile errors as well');
  assert.deepEqual(result.profile?.problemCounts, { error: 50_004, warning: 0, info: 0 });
  assert.equal(isConnectable(result), false);
});

test('an error after hundreds of warnings still reaches the result, so the profile is not connectable', () => {
  const warnings = Array.from({ length: 300 }, () => 'setenv opt frobnicate 1').join('\n');
  const result = parseProfile(profileWith(warnings, 'remote-cert-tsl server\n'));
  assert.equal(result.problems.length, MAX_PROBLEMS);
  assert.ok(result.omittedProblems >= 100);
  assert.ok(result.problems.some((p) => p.code === 'config.unknown_directive' && p.severity === 'error'), 'the error is kept');
  assert.equal(isConnectable(result), false);
});
