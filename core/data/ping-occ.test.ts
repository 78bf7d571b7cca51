import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PING_PAYLOAD, encodeOccExit, isOccExit, isPing, occType } from './ping-occ';

test('ping magic from ovpn:ping.c', () => {
  assert.equal(PING_PAYLOAD.toString('hex'), '2a187bf3641eb4cb07ed2d0a981fc748');
  assert.ok(isPing(Buffer.from('2a187bf3641eb4cb07ed2d0a981fc748', 'hex')));
  assert.ok(!isPing(Buffer.from('2a187bf3641eb4cb07ed2d0a981fc74800', 'hex')));
  assert.ok(!isPing(Buffer.alloc(16)));
});

test('OCC_EXIT = OCC magic ‖ 06', () => {
  assert.equal(encodeOccExit().toString('hex'), '287f346bd4ef7a812d56b8d3afc5459c06');
  assert.ok(isOccExit(encodeOccExit()));
  assert.equal(occType(Buffer.from('287f346bd4ef7a812d56b8d3afc5459c00', 'hex')), 0);
  assert.equal(occType(Buffer.from('287f346bd4ef7a812d56b8d3afc5459c', 'hex')), undefined);
  assert.equal(occType(Buffer.from('450000', 'hex')), undefined);
  assert.ok(!isOccExit(PING_PAYLOAD));
});
