import type { z } from 'zod';

const MAX_ISSUES = 5;

/**
 * A schema failure in words a developer can act on: where, and what kind of problem.
 * Built from the issue's path and code only, never from zod's message or the input:
 * the rejected value may be a password.
 */
export function describeIssues(prefix: string, error: z.ZodError): string {
  const parts = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const where = [prefix, ...issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : String(key)))].join('.').replace(/\.\[/g, '[');
    return `${where}: ${issue.code}${detailOf(issue)}`;
  });
  const more = error.issues.length > MAX_ISSUES ? ` (+${error.issues.length - MAX_ISSUES} more)` : '';
  return `${parts.join('; ')}${more}`;
}

function detailOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return ` (expected ${issue.expected})`;
    case 'too_big':
      return ` (at most ${String(issue.maximum)})`;
    case 'too_small':
      return ` (at least ${String(issue.minimum)})`;
    case 'unrecognized_keys':
      // Field names are the caller's schema mistake, not their data.
      return ` (${issue.keys.slice(0, 5).map((k) => k.slice(0, 40)).join(', ')})`;
    default:
      return '';
  }
}
