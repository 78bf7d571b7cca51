import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeLine } from './tokenize-line';

const texts = (line: string): string[] | string => {
  const result = tokenizeLine(line);
  return result.ok ? result.value.map((t) => t.text) : result.error.code;
};

test('whitespace, tabs and CR separate tokens; columns are 1-based', () => {
  const result = tokenizeLine('  remote\tvpn.example.com   1194\r');
  assert.ok(result.ok);
  assert.deepEqual(result.value, [
    { text: 'remote', column: 3 }, { text: 'vpn.example.com', column: 10 }, { text: '1194', column: 28 },
  ]);
});

test('# and ; start a comment only where a token would start', () => {
  assert.deepEqual(texts('# all comment'), []);
  assert.deepEqual(texts('; all comment'), []);
  assert.deepEqual(texts('remote host # comment'), ['remote', 'host']);
  assert.deepEqual(texts('remote host;x #y'), ['remote', 'host;x']);
  assert.deepEqual(texts('setenv A b#c'), ['setenv', 'A', 'b#c']);
  assert.deepEqual(texts('\\# still a comment, as in 2.x'), []);
});

test('double quotes group and allow escapes; single quotes are literal', () => {
  assert.deepEqual(texts('verify-x509-name "CN=a b, O=c" subject'), ['verify-x509-name', 'CN=a b, O=c', 'subject']);
  assert.deepEqual(texts('x "say \\"hi\\" \\\\ ok"'), ['x', 'say "hi" \\ ok']);
  assert.deepEqual(texts("x 'a \\ b \"c\"'"), ['x', 'a \\ b "c"']);
  assert.deepEqual(texts('x ""'), ['x', '']);
  assert.deepEqual(texts('x "a"b'), ['x', 'a', 'b']);
  assert.deepEqual(texts('x a"b'), ['x', 'a"b']);
});

test('backslash escapes only backslash, quote and whitespace', () => {
  assert.deepEqual(texts('x a\\ b'), ['x', 'a b']);
  assert.deepEqual(texts('x \\"a'), ['x', '"a']);
  assert.deepEqual(texts('x C:\\\\dir\\\\f'), ['x', 'C:\\dir\\f']);
  assert.equal(texts('ca C:\\keys\\ca.crt'), 'config.bad_backslash');
  assert.equal(texts('x abc\\'), 'config.bad_backslash');
});

test('unclosed quotes are errors with the column of the opening quote', () => {
  const result = tokenizeLine('remote "vpn 1194');
  assert.ok(!result.ok);
  assert.deepEqual(result.error.code, 'config.bad_quoting');
  assert.equal(result.error.column, 8);
  assert.equal(texts("x 'open"), 'config.bad_quoting');
});
