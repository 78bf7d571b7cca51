import { MAX_PROBLEMS } from './constants';
import { sortProblems } from './problems';
import type { ProfileProblem, Severity } from './problems';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Which of two problems is kept when not both can be: every error before any warning,
 * every warning before any info, then the earlier line (whole-profile ones last) and column.
 */
function keptFirst(a: ProfileProblem, b: ProfileProblem): number {
  const lineKey = (p: ProfileProblem): number => (p.line === 0 ? Number.MAX_SAFE_INTEGER : p.line);
  return RANK[a.severity] - RANK[b.severity] || lineKey(a) - lineKey(b) || a.column - b.column;
}

/**
 * The problems of one parse, in bounded memory. It keeps at most `limit` of them, chosen
 * by `keptFirst` so an error is never crowded out by warnings, and counts every one.
 * Problems go into a buffer of up to twice the limit. When it fills, it is sorted and
 * cut back to the limit. After the first cut, a problem that sorts after the last kept
 * one is only counted. A file of one bad line after another costs one comparison a line.
 */
export class ProblemList {
  readonly #limit: number;
  #kept: ProfileProblem[] = [];
  /** The last problem kept at the latest cut; undefined before any cut. */
  #worstKept: ProfileProblem | undefined;
  #omitted = 0;
  readonly #counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

  constructor(limit = MAX_PROBLEMS) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  add(problem: ProfileProblem): void {
    this.#counts[problem.severity]++;
    if (this.#worstKept !== undefined && keptFirst(problem, this.#worstKept) >= 0) {
      this.#omitted++;
      return;
    }
    this.#kept.push(problem);
    if (this.#kept.length >= 2 * this.#limit) this.#cut();
  }

  /** The kept problems (at most the limit), sorted by line as sortProblems does. */
  sorted(): ProfileProblem[] {
    this.#cut();
    return sortProblems(this.#kept);
  }

  /** How many problems were found but not kept. */
  get omitted(): number {
    this.#cut();
    return this.#omitted;
  }

  /** How many problems of each severity were found, the omitted ones included. */
  counts(): Record<Severity, number> {
    return { ...this.#counts };
  }

  #cut(): void {
    if (this.#kept.length <= this.#limit) return;
    this.#kept.sort(keptFirst);
    this.#omitted += this.#kept.length - this.#limit;
    this.#kept.length = this.#limit;
    this.#worstKept = this.#kept[this.#limit - 1];
  }
}
