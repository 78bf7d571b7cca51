import { BugError } from '../wire/errors';
import { DIRECTIVE_CATEGORIES } from './directive-spec';
import type { DirectiveCategory, DirectiveSpec } from './directive-spec';
import { AUTH_DIRECTIVES } from './directives/auth';
import { COMPRESSION_DIRECTIVES } from './directives/compression';
import { CRYPTO_DIRECTIVES } from './directives/crypto';
import { GENERAL_DIRECTIVES } from './directives/general';
import { IGNORED_DIRECTIVES } from './directives/ignored';
import { REFUSED_DIRECTIVES } from './directives/refused';
import { REMOTE_DIRECTIVES } from './directives/remote';
import { ROUTING_DIRECTIVES } from './directives/routing';
import { TIMER_DIRECTIVES } from './directives/timers';
import { TLS_DIRECTIVES } from './directives/tls';
import { UNSUPPORTED_DIRECTIVES } from './directives/unsupported';

/**
 * Every directive Postern knows, by name: one handler module per family. A name
 * missing here is an unknown directive (an error, as in 2.x, unless
 * `setenv opt` or `ignore-unknown-option` covers it).
 */
export const DIRECTIVE_TABLE: ReadonlyMap<string, DirectiveSpec> = buildTable([
  ...GENERAL_DIRECTIVES,
  ...REMOTE_DIRECTIVES,
  ...TLS_DIRECTIVES,
  ...CRYPTO_DIRECTIVES,
  ...COMPRESSION_DIRECTIVES,
  ...AUTH_DIRECTIVES,
  ...ROUTING_DIRECTIVES,
  ...TIMER_DIRECTIVES,
  ...IGNORED_DIRECTIVES,
  ...REFUSED_DIRECTIVES,
  ...UNSUPPORTED_DIRECTIVES,
]);

function buildTable(specs: readonly DirectiveSpec[]): Map<string, DirectiveSpec> {
  const table = new Map<string, DirectiveSpec>();
  for (const spec of specs) {
    if (table.has(spec.name)) throw new BugError(`directive ${spec.name} is listed twice`);
    table.set(spec.name, spec);
  }
  return table;
}

/** How many directives fall in each category (for tests and reports). */
export function countDirectivesByCategory(): Record<DirectiveCategory, number> {
  const counts = Object.fromEntries(DIRECTIVE_CATEGORIES.map((c) => [c, 0])) as Record<DirectiveCategory, number>;
  for (const spec of DIRECTIVE_TABLE.values()) counts[spec.category]++;
  return counts;
}

/** The known name closest to `name`, for "did you mean" hints; undefined if none is close. */
export function closestDirective(name: string): string | undefined {
  let best: string | undefined;
  // One edit per four characters (at least one) keeps suggestions for short names sane.
  let bestDistance = Math.max(1, Math.floor(name.length / 4)) + 1;
  if (name.length > 40) return undefined;
  for (const known of DIRECTIVE_TABLE.keys()) {
    if (Math.abs(known.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
