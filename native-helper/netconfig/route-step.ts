import type { NetworkStep } from './network-plan-types';

/** A route step from a template whose `%` is add / del; an existing identical route is not ours to undo. */
export function routeStep(description: string, template: string[]): NetworkStep {
  const fill = (verb: string): string[] => template.map((word) => (word === '%' ? verb : word));
  return { description, apply: fill('add'), undo: fill('del'), tolerateExisting: true };
}
