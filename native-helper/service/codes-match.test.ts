import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RENEGOTIATION_CAUSES as CORE_RENEGOTIATION_CAUSES, SESSION_END_CODES as CORE_SESSION_END_CODES } from '../../core/index';
import type { RenegotiationCause as CoreRenegotiationCause, SessionEndCode as CoreSessionEndCode } from '../../core/index';
import { NETCONFIG_ERROR_CODES, RENEGOTIATION_CAUSES, SESSION_END_CODES } from '../api/index';
import type { RenegotiationCause, SessionEndCode } from '../api/index';
import type { NetconfigErrorCode } from '../netconfig/index';

// native-helper/api loads in the window and may not import core or the helper, so it
// repeats their code lists; these checks keep the copies equal, at run time and in the types.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sessionEndTypesMatch: Same<SessionEndCode, CoreSessionEndCode> = true;
const netconfigTypesMatch: Same<(typeof NETCONFIG_ERROR_CODES)[number], NetconfigErrorCode> = true;
const renegotiationTypesMatch: Same<RenegotiationCause, CoreRenegotiationCause> = true;

test("the socket's session-end codes are core's, and its netconfig codes the helper's", () => {
  assert.ok(sessionEndTypesMatch && netconfigTypesMatch);
  assert.deepEqual([...SESSION_END_CODES].sort(), [...CORE_SESSION_END_CODES].sort());
  assert.ok(NETCONFIG_ERROR_CODES.every((code) => code.startsWith('netconfig.')));
});

test("the socket's renegotiation causes are core's", () => {
  assert.ok(renegotiationTypesMatch);
  assert.deepEqual([...RENEGOTIATION_CAUSES], [...CORE_RENEGOTIATION_CAUSES]);
});
