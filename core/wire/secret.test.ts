import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { Secret } from './secret';

test('a Secret never prints its value', () => {
  const secret = new Secret('hunter2');
  const shown = [String(secret), `${secret}`, JSON.stringify({ secret }), inspect(secret), inspect({ nested: secret })];
  for (const text of shown) assert.ok(!text.includes('hunter2'), text);
  assert.equal(secret.reveal(), 'hunter2');
});
