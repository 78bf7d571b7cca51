import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProfileVerdict } from '../api/app-api';
import { appStoryEntries, diagnosticsFileName, verdictInput } from './app-diagnostics';

test('the app\'s part: app/timeline.json and app/history.json with readable times beside the numbers', () => {
  const entries = appStoryEntries({
    timeline: { sessionId: 's1', profileName: 'Work', startedAtMs: 0, connectedAtMs: 900, phases: [{ state: 'connected', startMs: 900, durationMs: null }], reconnects: [], renegotiations: [], renegotiationCount: 0 },
    history: [{ profileName: 'Work', startedAtMs: 0, endedAtMs: 60_000, connectedForMs: 59_100, bytesIn: 10, bytesOut: 20, reconnects: 0, endCode: 'server.exit' }],
  });
  assert.deepEqual(entries.map((e) => e.name), ['app/timeline.json', 'app/history.json']);
  assert.equal(JSON.parse(entries[0]?.text ?? '').connectedAt, '1970-01-01T00:00:00.900Z');
  assert.deepEqual(JSON.parse(entries[1]?.text ?? '')[0], {
    profileName: 'Work', startedAtMs: 0, endedAtMs: 60_000, connectedForMs: 59_100, bytesIn: 10, bytesOut: 20, reconnects: 0, endCode: 'server.exit',
    startedAt: '1970-01-01T00:00:00.000Z', endedAt: '1970-01-01T00:01:00.000Z',
  });
  assert.equal(appStoryEntries({ timeline: null, history: [] })[0]?.text, 'null\n');
  assert.equal(diagnosticsFileName(Date.UTC(2026, 11, 3, 16, 20)), 'postern-diagnostics-2026-12-03T16-20-00-000Z.tar.gz');
});

test('a verdict enters as codes, places and the summary: never a problem\'s message or hint, nor an ignored line\'s reason (they may quote the profile)', () => {
  const SECRET = 'quoted-line-with-a-secret';
  const verdict: ProfileVerdict = {
    fileName: 'work.ovpn', suggestedName: 'work', connectable: false, omittedProblems: 0,
    problems: [{ line: 3, column: 1, code: 'config.bad_quoting', severity: 'error', message: SECRET, hint: SECRET }],
    summary: {
      remotes: ['vpn.example.org 1194 udp'], asks: [], serverCheck: [], controlChannel: 'tls-crypt', dataCiphers: ['AES-256-GCM'], routing: [],
      ignored: [{ directive: 'up', line: 9, reason: SECRET }], refused: [{ directive: 'script-security', line: 8, reason: SECRET }],
    },
  };
  const input = verdictInput(verdict, 'Work');
  assert.ok(!JSON.stringify(input).includes(SECRET));
  assert.deepEqual(input.problems, [{ code: 'config.bad_quoting', severity: 'error', line: 3, column: 1 }]);
  assert.equal(input.name, 'Work');
});
