import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readDirectives } from './read-directives';

test('inline blocks keep their lines, drop CRs, and close at the first </tag> line', () => {
  const result = readDirectives('ca x\r\n<ca>\r\n  line one\r\nline two\r\n  </ca> trailing\r\nverb 3\r\n');
  assert.ok(result.ok);
  const [first, second, third] = result.value.directives;
  assert.equal(first?.name, 'ca');
  assert.deepEqual(first?.args, ['x']);
  assert.equal(second?.inline, '  line one\nline two\n');
  assert.equal(second?.line, 2);
  assert.equal(third?.name, 'verb');
  assert.equal(third?.line, 6);
});

test('a leading -- is dropped from directive names', () => {
  const result = readDirectives('--client\n--remote a 1\n--\n');
  assert.ok(result.ok);
  assert.deepEqual(result.value.directives.map((d) => d.name), ['client', 'remote', '--']);
});

test('<connection> blocks hold directives with their real line numbers', () => {
  const result = readDirectives('client\n<connection>\nremote a\n<tls-auth>\nk\n</tls-auth>\n</connection>\n');
  assert.ok(result.ok);
  const conn = result.value.directives[1];
  assert.equal(conn?.name, 'connection');
  assert.deepEqual(conn?.block?.map((d) => [d.name, d.line]), [['remote', 3], ['tls-auth', 4]]);
  assert.equal(conn?.block?.[1]?.inline, 'k\n');
});

test('unclosed blocks, stray end tags and nested connections are reported', () => {
  const unclosed = readDirectives('client\n<ca>\nabc\n');
  assert.ok(unclosed.ok);
  assert.deepEqual(unclosed.value.problems.sorted().map((p) => [p.line, p.code]), [[2, 'config.inline_unclosed']]);
  const stray = readDirectives('</key>\n');
  assert.ok(stray.ok);
  assert.equal(stray.value.problems.sorted()[0]?.code, 'config.inline_unmatched_end');
  const nested = readDirectives('<connection>\n<connection>\nremote a\n</connection>\n</connection>\n');
  assert.ok(nested.ok);
  assert.deepEqual(nested.value.problems.sorted().map((p) => p.code), ['config.nested_connection', 'config.inline_unmatched_end']);
});

test('tokenizer errors skip the line and parsing goes on', () => {
  const result = readDirectives('a "x\nb\nc \\q\nd\n');
  assert.ok(result.ok);
  assert.deepEqual(result.value.directives.map((d) => d.name), ['b', 'd']);
  assert.deepEqual(result.value.problems.sorted().map((p) => [p.line, p.code]), [[1, 'config.bad_quoting'], [3, 'config.bad_backslash']]);
});
