import type { Result } from '../../core/index';
import { execFileRunner, type CommandRunner, type NetconfigRunners } from './command-runner';
import type { DnsBackend } from './dns-backend';
import type { Journal } from './journal';
import type { NetworkPlan, NetworkStep } from './network-plan-types';
import { netconfigError, type NetconfigError } from './netconfig-error';
import { undoNetwork } from './undo-network';

export interface ApplyOptions {
  runIp: CommandRunner;
  /** Only the rollback needs it (to revert a resolved link); defaults to the real resolvectl. */
  runResolvectl?: CommandRunner;
  journal: Journal;
  /** Absent: DNS is left alone. */
  dns?: DnsBackend;
}

export interface ApplyOutcome {
  /** Steps that ran (a tolerated "already exists" counts as skipped, not applied). */
  appliedSteps: number;
  /** Steps left alone, each with the reason; plan.warnings are not repeated here. */
  skipped: string[];
  /** Which DNS backend took the plan's DNS, if any. */
  dnsBackend?: DnsBackend['kind'];
}

/**
 * Applies the plan in order, journaling each undo BEFORE its step. On the first failure it
 * takes back what it did and returns the failing step and stderr; it never throws. Undo
 * steps that fail then stay in the journal for the next start.
 */
export async function applyNetworkPlan(plan: NetworkPlan, options: ApplyOptions): Promise<Result<ApplyOutcome, NetconfigError>> {
  const applied: ApplyOutcome = { appliedSteps: 0, skipped: [] };
  for (const step of plan.steps) {
    const outcome = await applyStep(step, options, applied);
    if (!outcome.ok) return rollBack(outcome.error, options);
  }
  if (plan.dns && options.dns) {
    const result = await options.dns.apply(plan.dns, plan.tunName, options.journal);
    if (!result.ok) return rollBack(result.error, options);
    if (result.value) applied.dnsBackend = options.dns.kind;
  }
  return { ok: true, value: applied };
}

async function applyStep(step: NetworkStep, options: ApplyOptions, applied: ApplyOutcome): Promise<Result<void, NetconfigError>> {
  let id: number | undefined;
  if (step.undo) {
    const recorded = await options.journal.recordUndo({ kind: 'ip', argv: step.undo });
    if (!recorded.ok) return recorded;
    id = recorded.value;
  }
  const result = await options.runIp(step.apply);
  if (result.ok) {
    applied.appliedSteps += 1;
    return { ok: true, value: undefined };
  }
  // The step did not happen, so its undo must not run (it could remove what is not ours).
  if (id !== undefined) {
    const cancelled = await options.journal.cancel(id);
    if (!cancelled.ok) return cancelled;
  }
  if (step.tolerateExisting && /file exists/i.test(result.stderr)) {
    applied.skipped.push(`${step.description}: already present, left alone`);
    return { ok: true, value: undefined };
  }
  return {
    ok: false,
    error: netconfigError('netconfig.step_failed', `${step.description}: ${result.stderr}`, { step: step.description, argv: ['ip', ...step.apply], stderr: result.stderr }),
  };
}

async function rollBack(error: NetconfigError, options: ApplyOptions): Promise<Result<ApplyOutcome, NetconfigError>> {
  const runners: NetconfigRunners = {
    runIp: options.runIp,
    runResolvectl: options.runResolvectl ?? execFileRunner('resolvectl'),
  };
  const report = await undoNetwork(options.journal, runners, options.dns?.path !== undefined ? { resolvConfPath: options.dns.path } : {});
  // What could not be taken back stays in the journal; the next helper start retries it.
  const problems = [...report.failures, ...report.refused];
  return { ok: false, error: problems.length > 0 ? { ...error, rollbackFailures: problems } : error };
}
