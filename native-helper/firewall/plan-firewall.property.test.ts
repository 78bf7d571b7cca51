import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { firewallInputArbitrary } from './firewall-arbitrary';
import { planFirewall, REPLACE_TABLE } from './plan-firewall';

test('every script starts by replacing our table atomically and never names another table', () => {
  fc.assert(fc.property(firewallInputArbitrary, (input) => {
    const script = planFirewall(input);
    assert.ok(script.startsWith(REPLACE_TABLE));
    const tableMentions = script.match(/\btable\b[^\n{]*/g) ?? [];
    for (const mention of tableMentions) assert.equal(mention.trim(), 'table inet postern', mention);
    // Only the three statements of the replacement touch a table: create, delete, define.
    assert.ok(tableMentions.length === 2 || tableMentions.length === 3, String(tableMentions.length));
    assert.doesNotMatch(script, /\b(flush|ruleset|insert|replace|rename|reset counters?)\b/);
    assert.doesNotMatch(script.slice(REPLACE_TABLE.length), /^\s*(add|create|delete|destroy)\b/m);
    // Chains hook in with our own names only, at filter priority, and only ever refuse.
    const hooks = script.split('\n').filter((line) => /\bhook\b/.test(line)).map((line) => line.trim());
    for (const hook of hooks) assert.match(hook, /^type filter hook (output|input|forward) priority filter; policy (accept|drop);$/);
    assert.doesNotMatch(script, /\b(nat|route) hook\b/);
    assert.doesNotMatch(script, /(?<![-\w])(snat|dnat|masquerade|redirect|mark set|meta mark|queue|jump|goto)\b/);
  }), { numRuns: 500 });
});
