import type { AnalysisResult } from '../core/canary/types.ts';
import type { WatchOutcome, WatchState } from '../core/canary/watch.ts';
import { type CanaryComment, finalStatus, renderWatchSection } from '../core/canary/watch-report.ts';
import type { GantryConfig } from '../core/config/schema.ts';
import { UsageError, ValidationError } from '../core/errors.ts';
import { afterOf, environments } from '../core/promote/environments.ts';
import { nextPromotions, writeWatchComment } from './canary-targets.ts';
import type { WatchJob } from './canary-watch.ts';
import type { BotDeps, Outcome } from './deps.ts';
import { onMerged } from './on-merged.ts';
import { promoteOnForge } from './promote-on-forge.ts';

export interface Ending {
  comment: CanaryComment & { url?: string };
  state: WatchState | undefined;
  step: number;
  outcome: WatchOutcome;
  results: AnalysisResult[];
  reason?: string;
  /** The configuration at the merge commit; absent when it could not be read. */
  config?: GantryConfig | null;
}

/**
 * The end of a watch, in an order that a rerun after a crash repeats safely: follow-ups
 * first (the rollback PR on fail with `rollback: auto`, the deferred promotion into the next
 * environment on pass — both idempotent, a PR that already says the same is left alone),
 * then the final `gantry/canary` statuses, then the final report, which marks the watch as
 * over: once it is written, a rerun does nothing.
 */
export async function endWatch(deps: BotDeps, job: WatchJob, ending: Ending): Promise<Outcome> {
  const { forge } = deps;
  const ref = (n: number) => `${forge.kind === 'gitlab' ? '!' : '#'}${n}`;
  const followUps: string[] = [];
  const opened: number[] = [];
  const { config, outcome } = ending;
  if (outcome === 'fail' && config) {
    followUps.push(await rollback(deps, job, config, ending.results, opened, ref));
  }
  if (outcome === 'pass') {
    const pr = await forge.getPullRequest(job.repo, job.number);
    const promoted = await onMerged(deps, {
      repo: job.repo,
      number: job.number,
      base: pr.base,
      mergeSha: job.mergeSha,
      head: pr.head,
      body: pr.body,
      canaryPassed: true,
    });
    opened.push(...(promoted.pullRequests ?? []));
    if (promoted.pullRequests?.length)
      followUps.push(`Promoted further: ${promoted.pullRequests.map(ref).join(', ')}.`);
  } else if (config && environments(config).some((e) => afterOf(e).includes(job.environment) && e.auto)) {
    followUps.push(`Not promoted further automatically: the canary did not pass.`);
  }
  const status = finalStatus(outcome, ending.results, ending.reason);
  const heads = new Set([
    job.mergeSha,
    ...(config ? await nextPromotions(forge, job.repo, config, job.environment, job.app) : []).map(
      (p) => p.headSha,
    ),
  ]);
  for (const sha of heads) {
    await forge.setCommitStatus(job.repo, sha, {
      ...status,
      ...(ending.comment.url ? { targetUrl: ending.comment.url } : {}),
    });
  }
  const state: WatchState = {
    v: 1,
    sha: job.mergeSha,
    schedule: job.schedule,
    step: ending.step,
    pendingOn: [...new Set([...(ending.state?.pendingOn ?? []), ...heads])],
    final: { outcome, at: deps.clock.now().toISOString() },
  };
  const watch = renderWatchSection({
    app: job.app,
    environment: job.environment,
    sha: job.mergeSha,
    schedule: job.schedule,
    step: ending.step,
    results: ending.results,
    outcome,
    ...(ending.reason ? { reason: ending.reason } : {}),
    followUps,
  });
  await writeWatchComment(forge, job, ending.step, { watch, state });
  return { action: `canary-${outcome}`, detail: ending.reason ?? status.description, pullRequests: opened };
}

/** On fail: the rollback PR when `rollback: auto` (never for a rollback), else how to roll back. */
async function rollback(
  deps: BotDeps,
  job: WatchJob,
  config: GantryConfig,
  results: readonly AnalysisResult[],
  opened: number[],
  ref: (n: number) => string,
): Promise<string> {
  const manual = `Roll back with \`/gantry rollback ${job.environment}\`.`;
  if (job.isRollback)
    return `This merge was a rollback itself: gantry does not roll it back automatically. ${manual}`;
  if (!results.some((r) => r.rollback === 'auto')) return manual;
  const targets = job.targets.flatMap((t) => (t.previous ? [{ target: t.target, version: t.previous }] : []));
  const only = job.targets.length === 1 ? job.targets[0]!.target : job.environment;
  try {
    const { plan, outcomes } = await promoteOnForge(
      deps,
      deps.forge,
      job.repo,
      job.base,
      {
        kind: 'rollback',
        request: {
          app: job.app,
          destination: only,
          targets,
          of: { number: job.number },
          reason: `The canary of ${ref(job.number)} failed in ${job.environment}: this puts back the versions it replaced.`,
        },
      },
      config,
    );
    opened.push(...outcomes.map((o) => o.pullRequest.number));
    if (plan.empty)
      return `Nothing to roll back: ${job.environment} already runs the versions from before ${ref(job.number)}.`;
    return `Rollback ${outcomes.map((o) => `${o.action === 'unchanged' ? 'open' : o.action}: ${o.pullRequest.url}`).join(', ')}`;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ValidationError)) throw error;
    return `No automatic rollback: ${error.message}. ${manual}`;
  }
}
