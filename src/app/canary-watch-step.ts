import type { AnalysisResult } from '../core/canary/types.ts';
import { combinedVerdict, stepDue, type WatchState } from '../core/canary/watch.ts';
import { pendingStatus, renderWatchSection } from '../core/canary/watch-report.ts';
import { ConfigError, UsageError, ValidationError } from '../core/errors.ts';
import type { JobHandler } from '../ports/jobs.ts';
import { analyzeTargets, nextPromotions, readComment, writeWatchComment } from './canary-targets.ts';
import { scheduleStep, type WatchJob, watchJob } from './canary-watch.ts';
import { endWatch } from './canary-watch-end.ts';
import { type BotDeps, ignored, type Outcome } from './deps.ts';
import { loadForgeConfig } from './forge-config.ts';

/**
 * One analysis of a watch. Reads the watch's state from the sticky comment first: a job
 * that runs again after a crash, or late after a newer one, changes nothing once the watch
 * has reported further or is final. Otherwise analyses [merge, now] for every target;
 * the last analysis (or a critical failure) ends the watch, any other one updates the
 * comment and queues the next. Forge and network errors throw (the job is retried); a
 * configuration that cannot be analysed ends the watch with `error`.
 */
export function runWatchStep(deps: BotDeps, job: WatchJob): Promise<Outcome> {
  // One analysis of a watch at a time in this process (a rerun after a crash and the next
  // analysis may be due together); across replicas the comment is read again before writing.
  return deps.lock.run(`canary:${job.forge}:${job.repo}#${job.number}`, () => watchStep(deps, job));
}

async function watchStep(deps: BotDeps, job: WatchJob): Promise<Outcome> {
  const { forge } = deps;
  const comment = await readComment(forge, job.repo, job.number);
  const state = comment.state?.sha === job.mergeSha ? comment.state : undefined;
  if (state?.final) return ignored(`watch already ended: ${state.final.outcome}`);
  if (state && state.step > job.step) return ignored(`analysis ${job.step} is behind ${state.step}`);
  const { schedule } = job;
  const now = deps.clock.now();
  const start = Date.parse(schedule.start);
  const last = job.step >= schedule.steps || now.getTime() >= Date.parse(schedule.end);
  // [merge, now], never shorter than one step; the last one is the whole window, exactly.
  const end = last
    ? new Date(schedule.end)
    : new Date(
        Math.max(start + schedule.stepSeconds * 1000, Math.min(now.getTime(), Date.parse(schedule.end))),
      );
  const step = last ? schedule.steps : job.step;
  let results: AnalysisResult[];
  let config: Awaited<ReturnType<typeof loadForgeConfig>>;
  try {
    config = await loadForgeConfig(forge, job.repo, job.mergeSha);
    if (!config) throw new ValidationError(`${job.repo} has no .gantry.yml at ${job.mergeSha.slice(0, 12)}`);
    const targets = job.targets.map((t) => t.target);
    results = await analyzeTargets(deps, config, job.app, targets, {
      end,
      seconds: (end.getTime() - start) / 1000,
    });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof ValidationError || error instanceof UsageError)) {
      throw error;
    }
    return endWatch(deps, job, {
      comment,
      state,
      step,
      outcome: 'error',
      results: [],
      reason: error.message,
    });
  }
  const critical = results.filter((r) => r.criticalFailure);
  if (critical.length > 0 && !last) {
    const reason = `A critical metric failed at analysis ${step} of ${schedule.steps}: the watch ended early.`;
    return endWatch(deps, job, { comment, state, step, outcome: 'fail', results, reason, config });
  }
  if (last) {
    return endWatch(deps, job, { comment, state, step, outcome: combinedVerdict(results), results, config });
  }
  // Still watching. Pending also on next-environment PRs opened (or updated) since the last
  // analysis — after the comment is written, so a worker that lost the race sets nothing.
  const known = new Set(state?.pendingOn ?? []);
  const heads = [
    job.mergeSha,
    ...(await nextPromotions(forge, job.repo, config, job.environment, job.app)).map((p) => p.headSha),
  ];
  const fresh = [...new Set(heads.filter((h) => !known.has(h)))];
  const next: WatchState = { v: 1, sha: job.mergeSha, schedule, step, pendingOn: [...known, ...fresh] };
  const watch = renderWatchSection({ ...job, sha: job.mergeSha, step, results });
  if (!(await writeWatchComment(forge, job, step, { watch, state: next }))) {
    return ignored(`analysis ${step}: the watch moved on meanwhile`);
  }
  for (const sha of fresh) {
    await forge.setCommitStatus(job.repo, sha, pendingStatus(job.app, job.environment, schedule));
  }
  if (deps.jobs) await scheduleStep({ ...deps, jobs: deps.jobs }, job, step + 1);
  const due = stepDue(schedule, step + 1).toISOString();
  return {
    action: 'watching',
    detail: `analysis ${step} of ${schedule.steps}: ${combinedVerdict(results)}; next at ${due}`,
  };
}

/**
 * The handler of CANARY_QUEUE: checks the payload read back from the queue, then runs the
 * step with dependencies for the job's forge and repository (rebuilt, never stored).
 * A payload that is not a watch job is logged and dropped: running it again cannot help.
 */
export function watchHandler(
  depsFor: (job: WatchJob) => Promise<BotDeps>,
  log: BotDeps['log'],
  run: (job: WatchJob, work: () => Promise<Outcome>) => Promise<Outcome> = (_job, work) => work(),
): JobHandler<unknown> {
  return async (payload, meta) => {
    const parsed = watchJob.safeParse(payload);
    if (!parsed.success) {
      log.error(
        { id: meta.id, issues: parsed.error.issues },
        `canary watch job ${meta.id} dropped: not a watch job`,
      );
      return;
    }
    const deps = await depsFor(parsed.data);
    await run(parsed.data, () => runWatchStep(deps, parsed.data));
  };
}
