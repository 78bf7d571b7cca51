import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logFileName, logText } from './features/log/log-text';
import { formatBytes, formatDuration, formatPhaseMs, formatRate } from './format';
import { remainingSeconds } from './store/prompt-slice';

test('rates, sizes, durations read as people write them', () => {
  assert.equal(formatRate(0), '0 bit/s');
  assert.equal(formatRate(850_000), '850 kbit/s');
  assert.equal(formatRate(1_234_000), '1.2 Mbit/s');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatDuration(42_400), '42 s');
  assert.equal(formatDuration(185_000), '3 min 05 s');
  assert.equal(formatDuration(2 * 3600_000 + 7 * 60_000), '2 h 07 min');
  assert.equal(formatPhaseMs(380), '0.4 s');
});

test('the countdown runs from arrival; the log exports as text with a safe file name', () => {
  const prompt = { id: 'q', kind: 'web_auth' as const, text: '', echo: false, timeoutSeconds: 120, needs: { username: false, password: false, response: false } };
  assert.equal(remainingSeconds(prompt, 1_000, 31_500), 90);
  assert.equal(remainingSeconds(prompt, 1_000, 999_000), 0);
  assert.equal(remainingSeconds({ ...prompt, timeoutSeconds: null }, 0, 0), null);
  assert.equal(logText([{ atMs: 0, level: 'warn', message: 'slow' }]), '1970-01-01T00:00:00.000Z WARN  slow');
  assert.equal(logFileName(Date.UTC(2026, 10, 22, 20, 4, 11, 500)), 'postern-log-2026-11-22T20-04-11Z.txt');
});
